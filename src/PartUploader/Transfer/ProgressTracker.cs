namespace PartUploader.Internal.Transfer;

/// <summary>
/// Aggregates progress from every sender: bytes sent (a retried part is not counted twice) and bytes
/// acknowledged kept apart; monotonic, rate-limited, never reported after the upload returns.
/// </summary>
internal sealed class ProgressTracker(IProgress<UploadProgress>? sink, TimeProvider timeProvider, long? totalBytes, int? totalParts)
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(100);
    private readonly object _gate = new();
    private long _sent;
    private long _acknowledged;
    private long _resumed;
    private int _parts;
    private int _retries;
    private long? _totalBytes = totalBytes;
    private int? _totalParts = totalParts;
    private long _lastReport = long.MinValue;
    private bool _closed;

    public int Retries => Volatile.Read(ref _retries);

    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    /// <summary>Counts newly sent bytes of a part (the caller passes only bytes beyond what earlier attempts sent).</summary>
    public void AddSent(long bytes)
    {
        Interlocked.Add(ref _sent, bytes);
        MaybeReport(force: false);
    }

    public void AddAcknowledged(long bytes)
    {
        Interlocked.Add(ref _acknowledged, bytes);
        Interlocked.Increment(ref _parts);
        MaybeReport(force: true);
    }

    /// <summary>Counts a part an interrupted run had already stored (resume): sent, acknowledged and resumed.</summary>
    public void AddResumed(long bytes)
    {
        Interlocked.Add(ref _resumed, bytes);
        Interlocked.Add(ref _sent, bytes);
        AddAcknowledged(bytes);
    }

    public void AddRetry()
    {
        Interlocked.Increment(ref _retries);
        MaybeReport(force: true);
    }

    public void SetTotals(long totalBytes, int totalParts)
    {
        lock (_gate)
        {
            _totalBytes = totalBytes;
            _totalParts = totalParts;
        }
    }

    /// <summary>Reports the final state once, then never again.</summary>
    public void Close(bool report)
    {
        if (report)
        {
            MaybeReport(force: true);
        }

        lock (_gate)
        {
            _closed = true;
        }
    }

    private void MaybeReport(bool force)
    {
        if (sink is null)
        {
            return;
        }

        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            long now = timeProvider.GetTimestamp();
            if (!force && _lastReport != long.MinValue && timeProvider.GetElapsedTime(_lastReport, now) < s_interval)
            {
                return;
            }

            _lastReport = now;
            long sent = Interlocked.Read(ref _sent);
            long acknowledged = Interlocked.Read(ref _acknowledged);
            if (_totalBytes is long total)
            {
                sent = Math.Min(sent, total);
                acknowledged = Math.Min(acknowledged, total);
            }

            sink.Report(new UploadProgress
            {
                BytesSent = Math.Max(sent, acknowledged),
                BytesAcknowledged = acknowledged,
                TotalBytes = _totalBytes,
                PartsCompleted = Volatile.Read(ref _parts),
                TotalParts = _totalParts,
                Retries = Volatile.Read(ref _retries),
                BytesResumed = Interlocked.Read(ref _resumed),
            });
        }
    }
}
