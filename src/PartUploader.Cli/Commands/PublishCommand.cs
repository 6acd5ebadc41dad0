using System.CommandLine;
using System.Globalization;

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
        var command = new Command(
            "publish",
            "Upload files and publish them as partitions of a versioned layer: one publication, all or nothing. Exit code 0 only when it " +
            "succeeded (or, with --no-wait, was submitted); the new catalog version is printed. On a failure before submit the publication " +
            "is cancelled on the server.");
        common.AddTo(command);
        command.Arguments.Add(path);
        command.Options.Add(partitionFrom);
        command.Options.Add(partition);
        command.Options.Add(include);
        command.Options.Add(exclude);
        command.Options.Add(noWait);
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

            try
            {
                using HttpClient http = CommonOptions.CreateHttpClient();
                PublicationClient publisher = common.CreateClient(parse, http, lookupUrl).GetPublicationClient();
                var options = new PublishOptions
                {
                    LayerId = parse.GetValue(common.Layer)!,
                    WaitForCompletion = !parse.GetValue(noWait),
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

/// <summary>Reports progress on the publishing thread (the CLI has no synchronization context to post to).</summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    private readonly Lock _gate = new();

    public void Report(T value)
    {
        lock (_gate)
        {
            report(value);
        }
    }
}

/// <summary>What <c>publish</c> prints: text lines, or JSON events (<c>publication-submitted</c>, <c>item-completed</c>, <c>publication-succeeded</c>, <c>publication-failed</c>).</summary>
internal sealed class PublicationOutput(bool json)
{
    private readonly JsonEvents _events = new(Console.Out);
    private bool _submitted;

    public void Progress(PublicationProgress progress)
    {
        if (progress.Stage != PublicationStage.Waiting || _submitted)
        {
            return;
        }

        _submitted = true;
        if (json)
        {
            _events.Write("publication-submitted", w =>
            {
                w.WriteString("publication", progress.PublicationId);
                w.WriteNumber("partitions", progress.PartitionsAdded);
            });
        }
        else
        {
            Console.Error.WriteLine($"partupload: publication {progress.PublicationId} submitted with {progress.PartitionsAdded} partition(s); waiting for it to succeed...");
        }
    }

    public void Succeeded(PublicationResult result)
    {
        if (!json)
        {
            string version = result.Version?.ToString(CultureInfo.InvariantCulture) ?? "(not waited for)";
            Console.Out.WriteLine($"published: publication {result.PublicationId} {result.State.ToString().ToLowerInvariant()}, catalog version {version}, {result.Partitions.Count} partition(s), {result.Bytes} bytes" + (result.Verified ? ", metadata verified" : string.Empty));
            return;
        }

        foreach (PublishedPartition p in result.Partitions)
        {
            _events.Write("item-completed", w =>
            {
                w.WriteString("source", p.Source);
                w.WriteString("partition", p.PartitionId);
                w.WriteString("handle", p.DataHandle);
                w.WriteNumber("size", p.DataSize);
                w.WriteString("crc", p.Crc);
                if (p.Checksum is not null)
                {
                    w.WriteString("checksum", p.Checksum);
                }
            });
        }

        _events.Write(result.State == PublicationState.Succeeded ? "publication-succeeded" : "publication-submitted", w =>
        {
            w.WriteString("publication", result.PublicationId);
            if (result.Version is long version)
            {
                w.WriteNumber("version", version);
            }

            w.WriteNumber("partitions", result.Partitions.Count);
            w.WriteBoolean("verified", result.Verified);
        });
    }

    public int Fail(CliFailure failure)
    {
        if (json)
        {
            _events.WriteFailure(failure);
        }

        Console.Error.WriteLine($"partupload: {failure.Kind}: {failure.Message}");
        return failure.ExitCode;
    }

    public int Fail(Exception exception, bool cancellationRequested)
    {
        CliFailure failure = CliFailure.From(exception, cancellationRequested);
        if (exception is OperationCanceledException && exception.Data[PartUploadExceptionData.PublicationId] is string id)
        {
            failure = failure with { Message = $"Cancelled; publication {id} " + (exception.Data[PartUploadExceptionData.PublicationCancelledOnServer] is true ? "was cancelled on the server." : "could NOT be cancelled on the server; it expires when idle.") };
        }
        else if (exception is PublicationWaitCanceledException waiting)
        {
            failure = failure with { Message = $"Stopped waiting; publication {waiting.PublicationId} goes on on the server ('partupload publication wait --publication {waiting.PublicationId}')." };
        }

        if (json && exception is PublicationException publication)
        {
            foreach (BatchItemResult item in publication.FailedItems)
            {
                _events.Write("item-failed", w =>
                {
                    w.WriteString("source", item.Item.Source);
                    w.WriteString("error", CliMessages.Clean(item.Error?.Message ?? "failed"));
                });
            }

            _events.Write("publication-failed", w =>
            {
                w.WriteString("publication", publication.PublicationId);
                w.WriteString("code", publication.ErrorCode);
                w.WriteString("state", publication.State);
                w.WriteBoolean("cancelledOnServer", publication.CancelledOnServer);
            });
        }

        return Fail(failure);
    }
}
