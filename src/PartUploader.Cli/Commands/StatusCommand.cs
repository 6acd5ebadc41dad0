using System.CommandLine;

namespace PartUploader.Cli.Commands;

/// <summary>
/// <c>partupload status --catalog --layer --handle</c>: whether a blob exists under the handle (HEAD).
/// The SDK exposes no way to look up an arbitrary multipart upload, so this reports what the service stores.
/// </summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var billingTag = new BillingTagOption();
        var handle = new Option<string>("--handle")
        {
            Description = "The data handle.",
            Required = true,
            HelpName = "id",
        };
        var command = new Command(
            "status",
            "Tell whether a blob exists under a data handle (a HEAD request). Exit code 0 when it exists, 6 when not. " +
            "This reports stored blobs, not the progress of an upload in another process: that process shows its own progress.\n\n" +
            "Examples:\n  partupload status --handle tiles-2026-11 --catalog hrn:here:data::myorg:cat --layer tiles\n" +
            "  partupload status --handle big.tar --json --catalog hrn:here:data::myorg:cat --layer archive && echo stored");
        common.AddTo(command);
        command.Options.Add(handle);
        command.Options.Add(billingTag.Option);
        command.SetAction(async (parse, cancellationToken) =>
        {
            bool json = parse.GetValue(common.Json);
            var events = new JsonEvents(Console.Out);
            string catalog = parse.GetValue(common.Catalog)!;
            string layer = parse.GetValue(common.Layer)!;
            string dataHandle = parse.GetValue(handle)!;
            string? problem = common.Validate(parse, out Uri? lookupUrl) ?? billingTag.Validate(parse);
            CliFailure? failure = problem is null ? null : CliFailure.BadInput(problem);
            bool exists = false;
            if (failure is null)
            {
                try
                {
                    using HttpClient http = common.CreateHttpClient();
                    PartUploadClient client = common.CreateClient(parse, http, lookupUrl, o => billingTag.Configure(parse, o));
                    exists = await client.ExistsAsync(layer, dataHandle, cancellationToken).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // Every failure becomes a documented exit code and a message.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    failure = CliFailure.From(ex, cancellationToken.IsCancellationRequested);
                }
            }

            if (failure is not null)
            {
                if (json)
                {
                    events.WriteFailure(failure);
                }

                await Console.Error.WriteLineAsync($"partupload: {failure.Kind}: {failure.Message}").ConfigureAwait(false);
                return failure.ExitCode;
            }

            if (json)
            {
                events.Write("status", w =>
                {
                    w.WriteString("catalog", catalog);
                    w.WriteString("layer", layer);
                    w.WriteString("handle", dataHandle);
                    w.WriteBoolean("exists", exists);
                });
            }
            else
            {
                await Console.Out.WriteLineAsync($"{(exists ? "exists" : "not found")}: {catalog} layer {layer} handle {dataHandle}").ConfigureAwait(false);
            }

            return exists ? ExitCodes.Success : ExitCodes.NotFound;
        });
        return command;
    }
}
