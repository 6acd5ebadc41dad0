using System.CommandLine;

namespace PartUploader.Cli.Commands;

/// <summary>
/// <c>partupload publish &lt;file|dir&gt; --catalog --layer</c>: uploads and publishes as partitions of a versioned layer,
/// waits for the publication to succeed and prints the new catalog version.
/// </summary>
internal static class PublishCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var path = new Argument<string>("path") { Description = "A file, or a directory whose files are published (one partition each)." };
        var partitionFrom = new Option<string>("--partition-from")
        {
            Description = "How a file's partition id is made: 'path' (relative path, '/' -> ':') or 'name' (file name without its extension).",
            DefaultValueFactory = _ => "path",
            HelpName = "path|name",
        };
        partitionFrom.AcceptOnlyFromAmong("path", "name");
        var partition = new Option<string?>("--partition") { Description = "The partition id of a single file (default: as --partition-from says).", HelpName = "id" };
        var include = new Option<string[]>("--include") { Description = "Only files whose relative path matches this glob (repeatable).", AllowMultipleArgumentsPerToken = false };
        var exclude = new Option<string[]>("--exclude") { Description = "Leave out files whose relative path matches this glob (repeatable)." };
        var noWait = new Option<bool>("--no-wait") { Description = "Return once the publication is submitted; do not wait for it to succeed." };
        var resume = new Option<string?>("--resume")
        {
            Description = "A directory for the publication's journal: after a crash, the same command continues the same publication (items already uploaded are not sent again; a submitted one is waited for).",
            HelpName = "dir",
        };
        var field = new Option<string[]>("--field")
        {
            Description = "For an index layer: an index field value given to every file's record, name=value (repeatable; every field the layer defines).",
            HelpName = "name=value",
        };
        var command = new Command(
            "publish",
            "Upload files and publish them as partitions of a versioned layer: one publication, all or nothing. Exit code 0 only when it " +
            "succeeded (or, with --no-wait, was submitted); the new catalog version is printed. On a failure before submit the publication " +
            "is cancelled on the server. With --field, the layer is an index layer: each file gets a record with those field values.\n\n" +
            "Examples:\n  partupload publish tiles/ --catalog hrn:here:data::myorg:cat --layer versioned\n" +
            "  partupload publish report.pdf --partition report-2026-11 --catalog hrn:here:data::myorg:cat --layer versioned\n" +
            "  partupload publish events/ --field ingestionTime=1764460800000 --field source=sensor7 --catalog hrn:here:data::myorg:cat --layer index");
        common.AddTo(command);
        command.Arguments.Add(path);
        command.Options.Add(partitionFrom);
        command.Options.Add(partition);
        command.Options.Add(include);
        command.Options.Add(exclude);
        command.Options.Add(noWait);
        command.Options.Add(resume);
        command.Options.Add(field);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = new PublicationOutput(parse.GetValue(common.Json));
            string? problem = common.Validate(parse, out Uri? lookupUrl);
            if (problem is not null)
            {
                return output.Fail(CliFailure.BadInput(problem));
            }

            IReadOnlyList<PublishItem> items;
            try
            {
                items = Items(parse.GetValue(path)!, parse.GetValue(partition), parse.GetValue(partitionFrom) == "name" ? PartitionNaming.FileNameWithoutExtension : PartitionNaming.RelativePath, parse.GetValue(include), parse.GetValue(exclude));
            }
            catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException)
            {
                return output.Fail(CliFailure.BadInput(CliMessages.Clean(ex.Message)));
            }

            string[] fields = parse.GetValue(field) ?? [];
            Dictionary<string, object> values = new(StringComparer.Ordinal);
            foreach (string pair in fields)
            {
                int eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0 || !values.TryAdd(pair[..eq], pair[(eq + 1)..]))
                {
                    return output.Fail(CliFailure.BadInput($"--field '{pair}' is not name=value, or names a field twice."));
                }
            }

            if (values.Count > 0 && (parse.GetValue(resume) is not null || parse.GetValue(noWait) || parse.GetValue(partition) is not null))
            {
                return output.Fail(CliFailure.BadInput("--resume, --no-wait and --partition are for versioned layers; index records (--field) are inserted without a publication or partition ids."));
            }

            try
            {
                using HttpClient http = common.CreateHttpClient();
                PublicationClient publisher = common.CreateClient(parse, http, lookupUrl).GetPublicationClient();
                if (values.Count > 0)
                {
                    IndexResult indexed = await publisher.IndexAsync(
                        items.Select(i => IndexItem.FromFile(i.Source, values)), new IndexOptions { LayerId = parse.GetValue(common.Layer)! }, cancellationToken).ConfigureAwait(false);
                    output.Indexed(indexed);
                    return ExitCodes.Success;
                }

                var options = new PublishOptions
                {
                    LayerId = parse.GetValue(common.Layer)!,
                    WaitForCompletion = !parse.GetValue(noWait),
                    JournalDirectory = parse.GetValue(resume),
                    Progress = new InlineProgress<PublicationProgress>(output.Progress),
                };
                PublicationResult result = await publisher.PublishAsync(items, options, cancellationToken).ConfigureAwait(false);
                output.Succeeded(result);
                return ExitCodes.Success;
            }
#pragma warning disable CA1031 // Every failure becomes a documented exit code and a message.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                return output.Fail(ex, cancellationToken.IsCancellationRequested);
            }
        });
        return command;
    }

    private static IReadOnlyList<PublishItem> Items(string path, string? partition, PartitionNaming naming, string[]? include, string[]? exclude)
    {
        if (Directory.Exists(path))
        {
            return partition is null
                ? PublishItem.FromDirectory(path, naming, include, exclude)
                : throw new ArgumentException("--partition names the partition of a single file; a directory's files take theirs from --partition-from.");
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"'{path}' is neither a file nor a directory.");
        }

        return [PublishItem.FromFile(path, partition ?? (naming == PartitionNaming.FileNameWithoutExtension ? Path.GetFileNameWithoutExtension(path) : Path.GetFileName(path)))];
    }
}
