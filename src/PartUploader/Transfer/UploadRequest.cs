namespace PartUploader.Internal.Transfer;

/// <summary>Everything one upload call needs, validated, in one immutable value.</summary>
internal sealed record UploadRequest(
    string LayerId,
    string DataHandle,
    string ContentType,
    string? ContentEncoding,
    bool ForceMultipart,
    WholeBlobDigests WholeBlobDigests,
    IProgress<UploadProgress>? Progress,
    JournalRequest? Journal = null,
    SegmentPool? SharedPool = null,
    UploadTimeLimit? TimeLimit = null);

/// <summary>An opt-in journal: where to write it, the source's identity, and the state to resume from.</summary>
/// <param name="Path">Where the journal is written.</param>
/// <param name="Source">The file's identity now.</param>
/// <param name="ResumeFrom">The interrupted upload's state, or null for a new upload.</param>
/// <param name="KeepOnSuccess">True when the caller deletes the journal after recording the completion itself (a batch journal).</param>
internal sealed record JournalRequest(string Path, SourceIdentity Source, JournalState? ResumeFrom, bool KeepOnSuccess = false);

/// <summary>Observations of a transfer for tests and benchmarks: peak parts in flight and the buffer pool.</summary>
internal sealed class TransferDiagnostics
{
    private int _inFlight;
    private int _peakInFlight;

    public int PeakInFlight => Volatile.Read(ref _peakInFlight);

    public SegmentPool? Pool { get; set; }

    /// <summary>Gets or sets the request window of a batch, to read its peak.</summary>
    public PartUploader.Internal.Protocol.RequestWindow? Window { get; set; }

    public void Enter()
    {
        int now = Interlocked.Increment(ref _inFlight);
        int peak = Volatile.Read(ref _peakInFlight);
        while (now > peak)
        {
            int seen = Interlocked.CompareExchange(ref _peakInFlight, now, peak);
            if (seen == peak)
            {
                break;
            }

            peak = seen;
        }
    }

    public void Exit() => Interlocked.Decrement(ref _inFlight);
}
