using System.CommandLine;

namespace PartUploader.Cli.Commands;

/// <summary>
/// <c>partupload publication init|add|submit|wait|cancel|status</c>: one publication fed by several processes (a job
/// runner's workers each add their shard), initialized and submitted once.
/// </summary>
internal static class PublicationCommand
{
    public static Command Create()
    {
        var command = new Command("publication", "Feed one publication from several processes: 'init' once, 'add' per worker (--shard k/N), then 'submit' and 'wait' once.\n\n" +
            "Examples:\n  partupload publication init --catalog hrn:here:data::myorg:cat --layer versioned\n" +
            "  partupload publication add tiles/ --publication <id> --shard 0/3 --catalog hrn:here:data::myorg:cat --layer versioned\n" +
            "  partupload publication submit --publication <id> --catalog hrn:here:data::myorg:cat --layer versioned");
        command.Subcommands.Add(Init());
        command.Subcommands.Add(Add());
        command.Subcommands.Add(Simple("submit", "Submit the publication (once; an ambiguous failure is resolved by reading its state).\n\nExamples:\n  partupload publication submit --publication <id> --catalog hrn:here:data::myorg:cat --layer versioned", async (c, id, t) =>
        {
            await c.SubmitAsync(id, t).ConfigureAwait(false);
            return null;
        }));
        command.Subcommands.Add(Simple("wait", "Wait for the submitted publication to succeed (1 s doubling to 30 s between reads, up to 2 hours).\n\nExamples:\n  partupload publication wait --publication <id> --catalog hrn:here:data::myorg:cat --layer versioned", async (c, id, t) => await c.WaitAsync(id, null, t).ConfigureAwait(false)));
        command.Subcommands.Add(Simple("cancel", "Cancel the publication (only before submit).\n\nExamples:\n  partupload publication cancel --publication <id> --catalog hrn:here:data::myorg:cat --layer versioned", async (c, id, t) =>
        {
            await c.CancelAsync(id, t).ConfigureAwait(false);
            return null;
        }));
        command.Subcommands.Add(Simple("status", "Print the publication's state.\n\nExamples:\n  partupload publication status --publication <id> --json --catalog hrn:here:data::myorg:cat --layer versioned", async (c, id, t) => await c.GetAsync(id, t).ConfigureAwait(false)));
        return command;
    }

    private static Option<string> PublicationOption() => new("--publication") { Description = "The publication id from 'publication init'.", Required = true, HelpName = "id" };

    private static Command Init()
    {
        var common = new CommonOptions();
        var command = new Command("init", "Initialize a publication over the versioned layer and print its id.\n\nExamples:\n  partupload publication init --catalog hrn:here:data::myorg:cat --layer versioned");
        common.AddTo(command);
        command.SetAction((parse, token) => RunAsync(parse, common, async client =>
            await client.InitializeAsync(parse.GetValue(common.Layer)!, token).ConfigureAwait(false), token));
        return command;
    }

    private static Command Add()
    {
        var common = new CommonOptions();
        var publication = PublicationOption();
        var path = new Argument<string>("dir") { Description = "The directory whose files this worker's shard is taken from." };
        var shard = new Option<string>("--shard") { Description = "This worker's share, k/N with 0 <= k < N: the files at positions k, k+N, k+2N... in ordinal order of relative path.", DefaultValueFactory = _ => "0/1", HelpName = "k/N" };
        var partitionFrom = new Option<string>("--partition-from") { Description = "'path' (relative path, '/' -> ':') or 'name' (file name without extension).", DefaultValueFactory = _ => "path" };
        partitionFrom.AcceptOnlyFromAmong("path", "name");
        var command = new Command("add", "Upload this worker's shard of a directory and add its partitions to the publication (no submit).\n\n" +
            "Examples:\n  partupload publication add tiles/ --publication <id> --shard 1/3 --catalog hrn:here:data::myorg:cat --layer versioned");
        common.AddTo(command);
        command.Options.Add(publication);
        command.Options.Add(shard);
        command.Options.Add(partitionFrom);
        command.Arguments.Add(path);
        command.SetAction(async (parse, token) =>
        {
            if (!TryShard(parse.GetValue(shard)!, out int k, out int n))
            {
                return new PublicationOutput(parse.GetValue(common.Json)).Fail(CliFailure.BadInput($"--shard '{parse.GetValue(shard)}' is not k/N with 0 <= k < N."));
            }

            IReadOnlyList<PublishItem> items;
            try
            {
                PartitionNaming naming = parse.GetValue(partitionFrom) == "name" ? PartitionNaming.FileNameWithoutExtension : PartitionNaming.RelativePath;
                items = [.. PublishItem.FromDirectory(parse.GetValue(path)!, naming).Where((_, i) => i % n == k)];
            }
            catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException)
            {
                return new PublicationOutput(parse.GetValue(common.Json)).Fail(CliFailure.BadInput(CliMessages.Clean(ex.Message)));
            }

            return await RunAsync(parse, common, async client =>
            {
                if (items.Count > 0)
                {
                    IReadOnlyList<PublishedPartition> added = await client.AddAsync(parse.GetValue(publication)!, items, new PublishOptions { LayerId = parse.GetValue(common.Layer)! }, token).ConfigureAwait(false);
                    Console.Error.WriteLine($"partupload: shard {k}/{n}: {added.Count} partition(s) added to publication {parse.GetValue(publication)}");
                }

                return await client.GetAsync(parse.GetValue(publication)!, token).ConfigureAwait(false);
            }, token).ConfigureAwait(false);
        });
        return command;
    }

    private static Command Simple(string name, string description, Func<PublicationClient, string, CancellationToken, Task<PublicationInfo?>> call)
    {
        var common = new CommonOptions();
        var publication = PublicationOption();
        var command = new Command(name, description);
        common.AddTo(command);
        command.Options.Add(publication);
        command.SetAction((parse, token) => RunAsync(parse, common, async client =>
            await call(client, parse.GetValue(publication)!, token).ConfigureAwait(false) ?? await client.GetAsync(parse.GetValue(publication)!, token).ConfigureAwait(false), token));
        return command;
    }

    /// <summary>Runs one call and prints the publication it leaves: <c>id state version-base</c>, or a <c>publication</c> JSON event.</summary>
    private static async Task<int> RunAsync(ParseResult parse, CommonOptions common, Func<PublicationClient, Task<PublicationInfo>> call, CancellationToken token)
    {
        bool json = parse.GetValue(common.Json);
        var output = new PublicationOutput(json);
        string? problem = common.Validate(parse, out Uri? lookupUrl);
        if (problem is not null)
        {
            return output.Fail(CliFailure.BadInput(problem));
        }

        try
        {
            using HttpClient http = common.CreateHttpClient();
            PublicationInfo info = await call(common.CreateClient(parse, http, lookupUrl).GetPublicationClient()).ConfigureAwait(false);
            if (json)
            {
                new JsonEvents(Console.Out).Write("publication", w =>
                {
                    w.WriteString("publication", info.Id);
                    w.WriteString("state", info.RawState);
                    if (info.BaseVersion is long baseVersion)
                    {
                        w.WriteNumber("baseVersion", baseVersion);
                    }

                    w.WriteString("message", info.Message);
                });
            }
            else
            {
                await Console.Out.WriteLineAsync($"{info.Id}\t{info.RawState}").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        }
#pragma warning disable CA1031 // Every failure becomes a documented exit code and a message.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return output.Fail(ex, token.IsCancellationRequested);
        }
    }

    private static bool TryShard(string text, out int k, out int n)
    {
        k = n = 0;
        string[] parts = text.Split('/');
        return parts.Length == 2 && int.TryParse(parts[0], out k) && int.TryParse(parts[1], out n) && n >= 1 && k >= 0 && k < n;
    }
}
