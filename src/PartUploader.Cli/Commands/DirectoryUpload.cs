using System.CommandLine;
using PartUploader.Cli.Reporting;

namespace PartUploader.Cli.Commands;

/// <summary><c>partupload upload &lt;dir&gt;</c>: one blob per file, as one batch (one window of requests, one memory budget).</summary>
internal static class DirectoryUpload
{
    public static async Task<int> RunAsync(
        ParseResult parse, CommonOptions common, UploadCommandOptions options, UploadTuningOptions tuning, string directory, Uri? lookupUrl, CancellationToken cancellationToken)
    {
        var reporter = new BatchReporter(parse.GetValue(common.Json), Console.Out, Console.Error);
        IReadOnlyList<BatchUploadItem> items;
        try
        {
            var listing = new DirectoryUploadOptions
            {
                HandlePrefix = parse.GetValue(options.HandlePrefix),
                HandleNaming = parse.GetValue(options.Handles) == "uuid" ? DataHandleNaming.Uuid : DataHandleNaming.RelativePath,
            };
            foreach (string glob in parse.GetValue(options.Include) ?? [])
            {
                listing.Include.Add(glob);
            }

            foreach (string glob in parse.GetValue(options.Exclude) ?? [])
            {
                listing.Exclude.Add(glob);
            }

            items = BatchUploadItem.FromDirectory(directory, listing);
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException)
        {
            reporter.Failed(CliFailure.BadInput(CliMessages.Clean(ex.Message)));
            return ExitCodes.BadInput;
        }

        try
        {
            using HttpClient http = common.CreateHttpClient();
            PartUploadClient client = options.CreateClient(parse, common, tuning, http, lookupUrl);
            var batch = new BatchUploadOptions
            {
                LayerId = parse.GetValue(common.Layer)!,
                ItemFinished = reporter.ItemFinished,
                JournalDirectory = parse.GetValue(options.Resume),
                TimeLimit = options.TimeLimitValue(parse),
                WholeBlobDigests = tuning.DigestsValue(parse),
            };
            if (parse.GetValue(options.ContentType) is string type)
            {
                batch.ContentType = type;
            }

            reporter.Started(directory, items.Count, items.Sum(i => new FileInfo(i.Source).Length));
            BatchUploadResult result = await client.UploadBatchAsync(items, batch, cancellationToken).ConfigureAwait(false);
            await WriteManifestAsync(parse, options, result).ConfigureAwait(false);
            reporter.Summary(result);
            return result.Failed == 0 ? ExitCodes.Success : ExitCodes.ServiceError;
        }
#pragma warning disable CA1031 // Every failure becomes a documented exit code and a message.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            if (ex is BatchUploadException { Result: { } partial })
            {
                // The time limit ended the batch: the manifest and the summary say what was stored and what was stopped.
                await WriteManifestAsync(parse, options, partial).ConfigureAwait(false);
                reporter.Summary(partial);
            }

            CliFailure failure = CliFailure.From(ex, cancellationToken.IsCancellationRequested);
            reporter.Failed(failure);
            return failure.ExitCode;
        }
    }

    private static async Task WriteManifestAsync(ParseResult parse, UploadCommandOptions options, BatchUploadResult result)
    {
        if (parse.GetValue(options.Manifest) is string manifest)
        {
            FileStream file = File.Create(manifest);
            await using (file.ConfigureAwait(false))
            {
                BatchManifestFormat format = manifest.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? BatchManifestFormat.Csv : BatchManifestFormat.Json;
                await result.WriteManifestAsync(file, format, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }
}
