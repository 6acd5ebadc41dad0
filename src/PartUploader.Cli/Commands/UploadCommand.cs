using System.CommandLine;
using PartUploader.Cli.Control;
using PartUploader.Cli.Reporting;

namespace PartUploader.Cli.Commands;

/// <summary><c>partupload upload &lt;file|-&gt; --catalog --layer [...]</c>.</summary>
internal static class UploadCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var options = new UploadCommandOptions();
        var tuning = new UploadTuningOptions();
        var command = new Command(
            "upload",
            "Upload a file, a FIFO or standard input as one blob (multipart for large data), or a directory as one blob per file (all sharing one window and memory budget). Ctrl+C or 'partupload cancel' cancels the upload on the server, then exits with 5.\n\n" +
            "Examples:\n  partupload upload tiles.bin --catalog hrn:here:data::myorg:cat --layer tiles\n" +
            "  tar c dir | partupload upload - --handle dir-2026-11 --catalog hrn:here:data::myorg:cat --layer archive\n" +
            "  partupload upload big.tar --resume big.tar.journal --catalog hrn:here:data::myorg:cat --layer archive\n" +
            "  partupload upload tiles/ --handle-prefix r7. --include '**/*.bin' --manifest r7.json --catalog hrn:here:data::myorg:cat --layer tiles\n" +
            "  partupload upload logs.ndjson --gzip --digests sha1,sha256 --billing-tag team42 --catalog hrn:here:data::myorg:cat --layer logs\n" +
            "  partupload upload big.tar --budget 64MiB --numbering reserved --verify full --catalog hrn:here:data::myorg:cat --layer archive");
        common.AddTo(command);
        options.AddTo(command);
        tuning.AddTo(command);
        command.SetAction((parse, cancellationToken) => RunAsync(parse, common, options, tuning, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CommonOptions common, UploadCommandOptions options, UploadTuningOptions tuning, CancellationToken cancellationToken)
    {
        UploadReporter reporter = UploadReporter.Create(parse.GetValue(common.Json), Console.Out, Console.Error);
        string path = parse.GetValue(options.Source)!;
        string? problem = common.Validate(parse, out Uri? lookupUrl) ?? options.Validate(parse, path) ?? tuning.Validate(parse, options, Directory.Exists(path));
        if (problem is null && Directory.Exists(path))
        {
            return await DirectoryUpload.RunAsync(parse, common, options, tuning, path, lookupUrl, cancellationToken).ConfigureAwait(false);
        }

        UploadSource? source = null;
        if (problem is null)
        {
            problem = UploadSource.TryOpen(path, out source);
        }

        string? journal = parse.GetValue(options.Resume);
        if (problem is null && journal is not null && source!.FilePath is null)
        {
            problem = "--resume needs a regular file: standard input or a FIFO cannot be verified or read again.";
        }

        if (problem is null && journal is not null && File.Exists(journal) && tuning.DigestsValue(parse) != WholeBlobDigests.None)
        {
            problem = "--digests cannot be computed when --resume continues an interrupted upload (the parts already stored are not read again): leave out --digests, or compute them from the file.";
        }

        string? dataHandle = parse.GetValue(options.Handle) ?? (source?.Stream is not null && path == "-" ? null : Path.GetFileName(path));
        if (problem is null && dataHandle is null)
        {
            problem = "--handle is required when the source is standard input ('-').";
        }

        if (problem is not null)
        {
            source?.Dispose();
            reporter.Failed(CliFailure.BadInput(problem));
            return ExitCodes.BadInput;
        }

        using (source)
        {
            return await UploadAsync(parse, common, options, tuning, reporter, source!, dataHandle!, journal, lookupUrl, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<int> UploadAsync(
        ParseResult parse, CommonOptions common, UploadCommandOptions options, UploadTuningOptions tuning, UploadReporter reporter, UploadSource source, string dataHandle, string? journal, Uri? lookupUrl, CancellationToken cancellationToken)
    {
        bool gzip = tuning.IsGzip(parse);
        var info = new UploadInfo(source.Display, parse.GetValue(common.Catalog)!, parse.GetValue(common.Layer)!, dataHandle, gzip ? null : source.Length, Environment.ProcessId)
        {
            Gzip = gzip,
            SourceBytes = source.Length,
        };
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var hello = new ControlHello
        {
            Pid = info.ProcessId,
            Command = "upload",
            Source = source.FilePath is null ? source.Display : Path.GetFullPath(source.FilePath),
            Catalog = info.CatalogHrn,
            Layer = info.LayerId,
            Handle = dataHandle,
            Journal = journal is null ? null : Path.GetFullPath(journal),
        };
        UploadControlServer? control = UploadControlServer.TryStart(hello, () => cancel.Cancel(), Console.Error);
        try
        {
            try
            {
                using HttpClient http = common.CreateHttpClient();
                PartUploadClient client = options.CreateClient(parse, common, tuning, http, lookupUrl);
                var uploadOptions = new PartUploadOptions { LayerId = info.LayerId, DataHandle = info.DataHandle, JournalPath = journal, TimeLimit = options.TimeLimitValue(parse) };
                if (parse.GetValue(options.ContentType) is string type)
                {
                    uploadOptions.ContentType = type;
                }

                tuning.Configure(parse, uploadOptions);
                using GzipReadStream? compressed = gzip
                    ? new GzipReadStream(source.Stream ?? File.OpenRead(source.FilePath!), ownsSource: source.Stream is null)
                    : null;
                PartUploadResult result = await reporter.RunAsync(info, async progress =>
                {
                    uploadOptions.Progress = progress;
                    if (compressed is not null)
                    {
                        return await client.UploadAsync(compressed, uploadOptions, cancel.Token).ConfigureAwait(false);
                    }

                    if (source.Stream is not null)
                    {
                        return await client.UploadAsync(source.Stream, uploadOptions, cancel.Token).ConfigureAwait(false);
                    }

                    return journal is not null && File.Exists(journal)
                        ? await client.ResumeAsync(source.FilePath!, uploadOptions, cancel.Token).ConfigureAwait(false)
                        : await client.UploadAsync(source.FilePath!, uploadOptions, cancel.Token).ConfigureAwait(false);
                }).ConfigureAwait(false);
                reporter.Completed(info, result, compressed?.SourceBytes);
                control?.Ended(new ControlEvent { Event = "ended", ExitCode = ExitCodes.Success, Message = "completed" });
                return ExitCodes.Success;
            }
#pragma warning disable CA1031 // Every failure becomes a documented exit code and a message.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                CliFailure failure = CliFailure.From(ex, cancel.IsCancellationRequested);
                reporter.Failed(failure);
                control?.Ended(new ControlEvent
                {
                    Event = "ended",
                    ExitCode = failure.ExitCode,
                    CancelledOnServer = failure.CancelledOnServer,
                    UploadId = failure.UploadId,
                    BlobStored = failure.BlobStored ? true : null,
                    Message = failure.Message,
                });
                return failure.ExitCode;
            }
        }
        finally
        {
            if (control is not null)
            {
                await control.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
