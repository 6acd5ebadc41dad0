using System.Globalization;

namespace PartUploader.Cli.Commands;

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

    public void Indexed(IndexResult result)
    {
        if (!json)
        {
            Console.Out.WriteLine($"indexed: {result.Records.Count} record(s), {result.Bytes} bytes");
            return;
        }

        foreach (IndexedRecord r in result.Records)
        {
            _events.Write("item-completed", w =>
            {
                w.WriteString("source", r.Source);
                w.WriteString("id", r.Id);
                w.WriteNumber("size", r.Size);
                w.WriteString("crc", r.Crc);
                if (r.Checksum is not null)
                {
                    w.WriteString("checksum", r.Checksum);
                }
            });
        }

        _events.Write("index-succeeded", w => w.WriteNumber("records", result.Records.Count));
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
