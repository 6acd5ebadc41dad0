using System.Collections.Concurrent;

namespace PartUploader.Internal.Transfer;

/// <summary>
/// Many blobs over one <see cref="TransferScheduler"/>: items start in order, at most as many at once as the window has
/// places, each uploaded by <c>uploadItem</c>; per-item outcomes, the error policy, batch progress and cancellation.
/// </summary>
internal sealed class BatchUpload(
    BatchUploadOptions options,
    int maxItemsInFlight,
    TimeProvider time,
    Func<BatchUploadItem, IProgress<UploadProgress>, CancellationToken, Task<(PartUploadResult Result, bool FromJournal)>> uploadItem)
{
    private static readonly TimeSpan s_progressInterval = TimeSpan.FromMilliseconds(100);
    private readonly ConcurrentDictionary<long, BatchItemResult> _results = new();
    private readonly Lock _progressGate = new();
    private long _started;
    private int _succeeded;
    private int _failed;
    private int _itemsStarted;
    private long _sent;
    private long _acknowledged;
    private long _lastReport = long.MinValue;

    public async Task<BatchUploadResult> RunAsync(IAsyncEnumerable<BatchUploadItem> items, CancellationToken cancellationToken)
    {
        _started = time.GetTimestamp();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Exception? firstFailure = null;
        try
        {
            await Parallel.ForEachAsync(
                Numbered(items, stop.Token),
                new ParallelOptions { MaxDegreeOfParallelism = maxItemsInFlight, CancellationToken = stop.Token },
                async (entry, token) =>
                {
                    BatchItemResult outcome = await UploadOneAsync(entry.Item, token).ConfigureAwait(false);
                    _results[entry.Index] = outcome;
                    if (!outcome.Succeeded && options.ErrorPolicy == BatchErrorPolicy.StopOnFirstError && !cancellationToken.IsCancellationRequested)
                    {
                        Interlocked.CompareExchange(ref firstFailure, outcome.Error, null);
                        await stop.CancelAsync().ConfigureAwait(false);
                    }
                }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && firstFailure is not null)
        {
            // The stop policy ended the batch: reported below with what had finished.
        }

        cancellationToken.ThrowIfCancellationRequested();
        var result = new BatchUploadResult([.. _results.OrderBy(r => r.Key).Select(r => r.Value)], time.GetElapsedTime(_started));
        Report(force: true);
        return firstFailure is null
            ? result
            : throw new BatchUploadException($"The batch stopped at its first failed item: {firstFailure.Message}", firstFailure) { Result = result };
    }

    private async Task<BatchItemResult> UploadOneAsync(BatchUploadItem item, CancellationToken token)
    {
        Interlocked.Increment(ref _itemsStarted);
        var progress = new ItemProgress(this);
        BatchItemResult outcome;
        try
        {
            (PartUploadResult result, bool fromJournal) = await uploadItem(item, progress, token).ConfigureAwait(false);
            outcome = new BatchItemResult(item, result, null, fromJournal);
            Interlocked.Increment(ref _succeeded);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A failed item is an outcome, not the batch's failure: its upload was already cancelled on the server.
            outcome = new BatchItemResult(item, null, ex);
            Interlocked.Increment(ref _failed);
        }

        options.ItemFinished?.Invoke(outcome);
        Report(force: true);
        return outcome;
    }

    private static async IAsyncEnumerable<(long Index, BatchUploadItem Item)> Numbered(
        IAsyncEnumerable<BatchUploadItem> items, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token)
    {
        long index = 0;
        await foreach (BatchUploadItem item in items.WithCancellation(token).ConfigureAwait(false))
        {
            ArgumentNullException.ThrowIfNull(item);
            yield return (index++, item);
        }
    }

    private void Report(bool force)
    {
        if (options.Progress is not { } sink)
        {
            return;
        }

        lock (_progressGate)
        {
            long now = time.GetTimestamp();
            if (!force && _lastReport != long.MinValue && time.GetElapsedTime(_lastReport, now) < s_progressInterval)
            {
                return;
            }

            _lastReport = now;
            sink.Report(new BatchProgress
            {
                ItemsSucceeded = Volatile.Read(ref _succeeded),
                ItemsFailed = Volatile.Read(ref _failed),
                ItemsStarted = Volatile.Read(ref _itemsStarted),
                BytesSent = Interlocked.Read(ref _sent),
                BytesAcknowledged = Interlocked.Read(ref _acknowledged),
                Elapsed = time.GetElapsedTime(_started, now),
            });
        }
    }

    /// <summary>Turns one item's cumulative progress into increments of the batch's totals.</summary>
    private sealed class ItemProgress(BatchUpload owner) : IProgress<UploadProgress>
    {
        private readonly Lock _gate = new();
        private long _sent;
        private long _acknowledged;

        public void Report(UploadProgress value)
        {
            lock (_gate)
            {
                Interlocked.Add(ref owner._sent, Math.Max(0, value.BytesSent - _sent));
                Interlocked.Add(ref owner._acknowledged, Math.Max(0, value.BytesAcknowledged - _acknowledged));
                _sent = Math.Max(_sent, value.BytesSent);
                _acknowledged = Math.Max(_acknowledged, value.BytesAcknowledged);
            }

            owner.Report(force: false);
        }
    }
}
