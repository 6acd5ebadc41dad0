using System.CommandLine;
using PartUploader.Cli.Reporting;

namespace PartUploader.Cli.Commands;

/// <summary><c>partupload upload &lt;file|-&gt; --catalog --layer [...]</c>.</summary>
internal static class UploadCommand
{
    private const long MinPartSize = 5L * 1024 * 1024;
    private const long MaxPartSize = 5L * 1024 * 1024 * 1024;
    private const long DefaultMaxBufferedBytes = 256L * 1024 * 1024;

    public static Command Create()
    {
        var common = new CommonOptions();
        var source = new Argument<string>("file")
        {
            Description = "The file to upload, or '-' for standard input (then --handle is required).",
        };
        var handle = new Option<string?>("--handle")
        {
            Description = "The data handle (default: the file name).",
            HelpName = "id",
        };
        var contentType = new Option<string?>("--content-type")
        {
            Description = "The content type; must match the layer's (default: application/octet-stream).",
            HelpName = "type",
        };
        var partSize = new Option<string?>("--part-size")
        {
            Description = "The part size, 5MiB to 5GiB: 8MiB, 16MB, 67108864 (default: chosen from the size, at least 5 MiB).",
            HelpName = "size",
        };
        var concurrency = new Option<int?>("--concurrency")
        {
            Description = "Parts in flight at once, 1 to 256 (default: 8). Memory is about (concurrency + 1) x part size.",
            HelpName = "n",
        };
        var digest = new Option<string>("--digest")
        {
            Description = "The per-part integrity digest sent as X-HERE-Digest.",
            DefaultValueFactory = _ => "crc32c",
            HelpName = "crc32c|md5|sha1|sha256|none",
        };
        digest.AcceptOnlyFromAmong("crc32c", "md5", "sha1", "sha256", "none");

        var resume = new Option<string?>("--resume")
        {
            Description = "A resume journal: written while the file uploads; if it already exists, the interrupted upload it records is continued (only missing parts are sent).",
            HelpName = "journal",
        };

        var command = new Command(
            "upload",
            "Upload a file or standard input as one blob (multipart for large data). Ctrl+C cancels the upload on the server, then exits with 5.")
        {
            source,
        };
        common.AddTo(command);
        command.Options.Add(handle);
        command.Options.Add(contentType);
        command.Options.Add(partSize);
        command.Options.Add(concurrency);
        command.Options.Add(digest);
        command.Options.Add(resume);

        command.SetAction(async (parse, cancellationToken) =>
        {
            bool json = parse.GetValue(common.Json);
            UploadReporter reporter = UploadReporter.Create(json, Console.Out, Console.Error);

            string path = parse.GetValue(source)!;
            bool stdin = path == "-";
            string? dataHandle = parse.GetValue(handle) ?? (stdin ? null : Path.GetFileName(path));
            string? problem = common.Validate(parse, out Uri? lookupUrl);
            long? partBytes = null;
            if (problem is null && !stdin && !File.Exists(path))
            {
                problem = $"The file '{path}' does not exist.";
            }

            if (problem is null && string.IsNullOrEmpty(dataHandle))
            {
                problem = "--handle is required when the source is standard input ('-').";
            }

            if (problem is null && parse.GetValue(partSize) is string sizeText)
            {
                problem = !ByteSize.TryParse(sizeText, out long parsed)
                    ? $"--part-size '{sizeText}' is not a size (for example 8MiB, 16MB or 67108864)."
                    : parsed is < MinPartSize or > MaxPartSize ? $"--part-size must be within 5MiB and 5GiB (was {sizeText})." : null;
                partBytes = parsed;
            }

            string? journal = parse.GetValue(resume);
            if (problem is null && journal is not null && stdin)
            {
                problem = "--resume needs a file source: standard input cannot be verified or read again.";
            }

            int? parallel = parse.GetValue(concurrency);
            if (problem is null && parallel is < 1 or > 256)
            {
                problem = $"--concurrency must be within 1 and 256 (was {parallel}).";
            }

            if (problem is not null)
            {
                reporter.Failed(CliFailure.BadInput(problem));
                return ExitCodes.BadInput;
            }

            DigestAlgorithm algorithm = parse.GetValue(digest) switch
            {
                "md5" => DigestAlgorithm.Md5,
                "sha1" => DigestAlgorithm.Sha1,
                "sha256" => DigestAlgorithm.Sha256,
                "none" => DigestAlgorithm.None,
                _ => DigestAlgorithm.Crc32C,
            };

            var info = new UploadInfo(
                stdin ? "stdin" : path,
                parse.GetValue(common.Catalog)!,
                parse.GetValue(common.Layer)!,
                dataHandle!,
                stdin ? null : new FileInfo(path).Length,
                Environment.ProcessId);
            try
            {
                using HttpClient http = CommonOptions.CreateHttpClient();
                PartUploadClient client = common.CreateClient(parse, http, lookupUrl, options =>
                {
                    options.DigestAlgorithm = algorithm;
                    options.PartSize = partBytes;
                    options.MaxConcurrency = parallel ?? options.MaxConcurrency;
                    long need = options.MaxConcurrency * (partBytes ?? MinPartSize);
                    options.MaxBufferedBytes = Math.Max(DefaultMaxBufferedBytes, need);
                });
                var uploadOptions = new PartUploadOptions
                {
                    LayerId = info.LayerId,
                    DataHandle = info.DataHandle,
                };
                if (parse.GetValue(contentType) is string type)
                {
                    uploadOptions.ContentType = type;
                }

                uploadOptions.JournalPath = journal;

                PartUploadResult result = await reporter.RunAsync(info, async progress =>
                {
                    uploadOptions.Progress = progress;
                    if (stdin)
                    {
                        Stream input = new CancellableInputStream(Console.OpenStandardInput());
                        await using (input.ConfigureAwait(false))
                        {
                            return await client.UploadAsync(input, uploadOptions, cancellationToken).ConfigureAwait(false);
                        }
                    }

                    return journal is not null && File.Exists(journal)
                        ? await client.ResumeAsync(path, uploadOptions, cancellationToken).ConfigureAwait(false)
                        : await client.UploadAsync(path, uploadOptions, cancellationToken).ConfigureAwait(false);
                }).ConfigureAwait(false);
                reporter.Completed(info, result);
                return ExitCodes.Success;
            }
#pragma warning disable CA1031 // Every failure becomes a documented exit code and a message.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                CliFailure failure = CliFailure.From(ex, cancellationToken.IsCancellationRequested);
                reporter.Failed(failure);
                return failure.ExitCode;
            }
        });
        return command;
    }
}
