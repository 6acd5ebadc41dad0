using System.Collections.Concurrent;

namespace PartUploader.Internal.Transfer;

/// <summary>
/// Many blobs over one <see cref="TransferScheduler"/>: items start in order, at most as many at once as the window has
/// places, each uploaded by <c>uploadItem</c>; per-item outcomes, the error policy, the time limit, batch progress and cancellation.
/// </summary>
/// <remarks>
/// When the batch's time limit passes (its token is <paramref name="limit"/>'s), no item starts any more, the items in
/// flight stop with <see cref="PartUploadErrorCodes.TimeLimitExceeded"/> (their uploads cancelled on the server), and
/// the batch throws a <see cref="BatchUploadException"/> with that code and the partial result, whatever the error policy:
/// a returned result would look like a finished batch while the items never started are not in it.
/// </remarks>
internal sealed class BatchUpload(
    BatchUploadOptions options,
    int maxItemsInFlight,
    TimeProvider time,
    UploadTimeLimit? limit,
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
    private volatile bool _allTaken;

    public async Task<BatchUploadResult> RunAsync(IAsyncEnumerable<BatchUploadItem> items, CancellationToken cancellationToken)
    {
        _started = time.GetTimestamp();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(limit?.Token ?? cancellationToken);
        Exception? firstFailure = null;
        try
        {
            await Parallel.ForEachAsync(
                Numbered(items, () => _allTaken = true, stop.Token),
                new ParallelOptions { MaxDegreeOfParallelism = maxItemsInFlight, CancellationToken = stop.Token },
                async (entry, token) =>
                {
                    BatchItemResult outcome = await UploadOneAsync(entry.Item, token).ConfigureAwait(false);
                    _results[entry.Index] = outcome;
                    if (!outcome.Succeeded && options.ErrorPolicy == BatchErrorPolicy.StopOnFirstError && !cancellationToken.IsCancellationRequested && limit is not { Exceeded: true })
                    {
                        Interlocked.CompareExchange(ref firstFailure, outcome.Error, null);
                        await stop.CancelAsync().ConfigureAwait(false);
                    }
                }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (limit is { Exceeded: true } || (!cancellationToken.IsCancellationRequested && firstFailure is not null))
        {
            // The time limit or the stop policy ended the batch: reported below with what had finished.
        }

        if (limit is not { Exceeded: true })
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        var result = new BatchUploadResult([.. _results.OrderBy(r => r.Key).Select(r => r.Value)], time.GetElapsedTime(_started));
        Report(force: true);
        if (firstFailure is not null)
        {
            throw new BatchUploadException($"The batch stopped at its first failed item: {firstFailure.Message}", firstFailure) { Result = result };
        }

        // A limit that passed after the last item finished changed nothing: the batch is complete.
        bool cut = limit is { Exceeded: true } && (!_allTaken || result.Items.Any(i => i.Error is PartUploadException { ErrorCode: PartUploadErrorCodes.TimeLimitExceeded }));
        return cut ? throw TimeLimitExceeded(limit!, result, result.Items.FirstOrDefault(i => i.Error is PartUploadException { ErrorCode: PartUploadErrorCodes.TimeLimitExceeded })?.Error) : result;
    }

    /// <summary>The error of a batch its time limit ended: what was stored, what was stopped (and cancelled on the server), and that the rest never started.</summary>
    public static BatchUploadException TimeLimitExceeded(UploadTimeLimit limit, BatchUploadResult result, Exception? first)
    {
        BatchItemResult[] stopped = [.. result.Items.Where(i => i.Error is PartUploadException { ErrorCode: PartUploadErrorCodes.TimeLimitExceeded })];
        int leftOpen = stopped.Count(i => i.Error!.Data[PartUploadExceptionData.CancelledOnServer] is false && i.Error.Data[PartUploadExceptionData.BlobStored] is not true);
        string message = string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"The batch did not finish within its time limit of {UploadTimeLimit.Format(limit.Limit)} ({limit.OptionName}): {result.Succeeded} item(s) stored, {result.Failed - stopped.Length} failed before, " +
            $"{stopped.Length} stopped in flight; items not yet started were not started. ") +
            (leftOpen == 0
                ? "No multipart upload was left open on the server."
                : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{leftOpen} multipart upload(s) could NOT be cancelled on the server and stay open until the service expires them (see each item's error)."));
        return new BatchUploadException(PartUploadException.FormatMessage(message, UploadTimeLimit.Operation, 0, PartUploadErrorCodes.TimeLimitExceeded), first)
        {
            ErrorCode = PartUploadErrorCodes.TimeLimitExceeded,
            Operation = UploadTimeLimit.Operation,
            Result = result,
        };
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
        catch (OperationCanceledException stopped) when (limit is { Exceeded: true })
        {
            // The batch's time limit stopped the item before its upload began (or outside it): a failure, recorded.
            outcome = new BatchItemResult(item, null, limit.CreateException(item.DataHandle, stopped));
            Interlocked.Increment(ref _failed);
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
        IAsyncEnumerable<BatchUploadItem> items, Action allTaken, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token)
    {
        long index = 0;
        await foreach (BatchUploadItem item in items.WithCancellation(token).ConfigureAwait(false))
        {
            ArgumentNullException.ThrowIfNull(item);
            yield return (index++, item);
        }

        allTaken();
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
