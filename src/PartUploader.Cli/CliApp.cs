using System.CommandLine;
using System.CommandLine.Invocation;
using PartUploader.Cli.Commands;

namespace PartUploader.Cli;

/// <summary>Builds the command tree, maps parse errors to exit code 2 and runs the chosen command.</summary>
internal static class CliApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        RootCommand root = BuildRoot();
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is ParseErrorAction or null)
        {
            bool json = parse.Tokens.Any(t => t.Value == "--json");
            foreach (System.CommandLine.Parsing.ParseError error in parse.Errors)
            {
                CliFailure failure = CliFailure.BadInput(CliMessages.ParseError(error.Message));
                if (json)
                {
                    new JsonEvents(Console.Out).WriteFailure(failure);
                }

                await Console.Error.WriteLineAsync($"partupload: bad-input: {failure.Message}").ConfigureAwait(false);
            }

            await Console.Error.WriteLineAsync("Run 'partupload --help' for usage.").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }

        using var signals = new CancellationSignals(parse.CommandResult.Command.Name == "emulator"
            ? "partupload: stopping the emulator..."
            : "partupload: cancelling (press Ctrl+C again to exit at once)...");
        var configuration = new InvocationConfiguration
        {
            // CancellationSignals handles Ctrl+C and SIGTERM: the upload needs time to cancel on the server.
            ProcessTerminationTimeout = null,
            EnableDefaultExceptionHandler = true,
        };
        return await parse.InvokeAsync(configuration, signals.Token).ConfigureAwait(false);
    }

    internal static RootCommand BuildRoot()
    {
        var root = new RootCommand(
            """
            partupload: upload files and stdin to HERE platform catalog layers through the blob v1 multipart API, download and
            delete blobs, and publish them. 'partupload <command> --help' shows a command's options and examples.

            Exit codes: 0 success, 1 other error, 2 bad input (no request sent), 3 authentication or authorization
            (credentials, 401, 403), 4 service or network error (after retries; 409 when the handle holds a blob),
            5 cancelled (Ctrl+C, SIGTERM, 'partupload cancel'; the message says whether the multipart upload was
            cancelled on the server), 6 'status', 'download' or 'delete' found no blob, 130 a second Ctrl+C ended the process at once.

            Examples:
              partupload upload big.tar --catalog hrn:here:data::myorg:cat --layer archive
              partupload download --handle big.tar --output big.tar --catalog hrn:here:data::myorg:cat --layer archive
              partupload --version
            """);
        root.Subcommands.Add(UploadCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(DownloadCommand.Create());
        root.Subcommands.Add(DeleteCommand.Create());
        root.Subcommands.Add(CancelCommand.Create());
        root.Subcommands.Add(PublishCommand.Create());
        root.Subcommands.Add(PartitionsCommand.Create());
        root.Subcommands.Add(PublicationCommand.Create());
        root.Subcommands.Add(EmulatorCommand.Create());
        return root;
    }
}
