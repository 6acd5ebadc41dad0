using PartUploader.Internal.Diagnostics;

namespace PartUploader.Internal.Transfer;

/// <summary>
/// The memory budget of one upload and its buffers: fixed-size segments below the large-object-heap
/// threshold, taken from a process-wide <see cref="SegmentCache"/> (allocated only when it is empty),
/// reused for every later part and every later upload, never more than the budget at once.
/// </summary>
/// <remarks>
/// Renting waits (first come, first served) until enough of the budget is free, which is the
/// back-pressure that bounds read-ahead. Returned segments go back to the shared cache at once, so an
/// upload that ends leaves its segments to the next one instead of to the garbage collector.
/// </remarks>
internal sealed class SegmentPool
{
    /// <summary>64 KiB: below the 85,000-byte large-object-heap threshold.</summary>
    public const int SegmentSize = 64 * 1024;

    private readonly object _gate = new();
    private readonly LinkedList<Waiter> _waiters = new();

    /// <summary>Emptied segment lists, reused for the next buffer of the same count (a part's 256 references are 2 KiB each).</summary>
    private readonly Stack<byte[][]> _spareLists = new();
    private const int MaxSpareLists = 64;
    private readonly int _capacity;
    private int _allocated;
    private int _outstanding;
    private int _peakOutstanding;

    public SegmentPool(long budgetBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(budgetBytes, SegmentSize);
        _capacity = (int)Math.Min(int.MaxValue, budgetBytes / SegmentSize);
    }

    /// <summary>Gets the most bytes this pool will ever hand out at once.</summary>
    public long CapacityBytes => (long)_capacity * SegmentSize;

    /// <summary>Gets the segments currently rented (0 once every buffer came back).</summary>
    public int Outstanding => Volatile.Read(ref _outstanding);

    /// <summary>Gets the most bytes that were rented at the same time.</summary>
    public long PeakBytes => (long)Volatile.Read(ref _peakOutstanding) * SegmentSize;

    /// <summary>Gets the segments this pool allocated because the shared cache had none (each allocated once, then reused).</summary>
    public int Allocated => Volatile.Read(ref _allocated);

    public static int SegmentsFor(long bytes) => (int)Math.Max(1, (bytes + SegmentSize - 1) / SegmentSize);

    public async ValueTask<PartBuffer> RentAsync(long length, CancellationToken cancellationToken)
    {
        int count = SegmentsFor(length);
        if (count > _capacity)
        {
            throw new InvalidOperationException($"A buffer of {length} bytes exceeds the memory budget of {CapacityBytes} bytes.");
        }

        Waiter? waiter = null;
        lock (_gate)
        {
            if (_waiters.Count == 0 && Available() >= count)
            {
                return new PartBuffer(this, TakeLocked(count), length);
            }

            waiter = new Waiter(count);
            waiter.Node = _waiters.AddLast(waiter);
        }

        using (cancellationToken.Register(() => CancelWaiter(waiter)))
        {
            byte[][] segments = await waiter.Completion.Task.ConfigureAwait(false);
            return new PartBuffer(this, segments, length);
        }
    }

    internal void Return(byte[][] segments)
    {
        lock (_gate)
        {
            SegmentCache.Return(segments);
            _outstanding -= segments.Length;
            if (segments.Length > 0 && _spareLists.Count < MaxSpareLists)
            {
                Array.Clear(segments);
                _spareLists.Push(segments);
            }

            PartUploaderTelemetry.BytesBuffered.Add(-(long)segments.Length * SegmentSize);
            while (_waiters.First is { } first && Available() >= first.Value.Count)
            {
                _waiters.RemoveFirst();
                first.Value.Node = null;
                first.Value.Completion.TrySetResult(TakeLocked(first.Value.Count));
            }
        }
    }

    private void CancelWaiter(Waiter waiter)
    {
        lock (_gate)
        {
            if (waiter.Node is null)
            {
                return;
            }

            _waiters.Remove(waiter.Node);
            waiter.Node = null;
        }

        waiter.Completion.TrySetCanceled();
        // A waiter that leaves the head of the queue may unblock the next one.
        Return([]);
    }

    private int Available() => _capacity - _outstanding;

    private byte[][] TakeLocked(int count)
    {
        byte[][] segments = _spareLists.TryPeek(out byte[][]? spare) && spare.Length == count ? _spareLists.Pop() : new byte[count][];
        int taken = SegmentCache.Rent(segments);
        for (int i = taken; i < count; i++)
        {
            segments[i] = GC.AllocateUninitializedArray<byte>(SegmentSize);
            _allocated++;
        }

        _outstanding += count;
        PartUploaderTelemetry.BytesBuffered.Add((long)count * SegmentSize);
        _peakOutstanding = Math.Max(_peakOutstanding, _outstanding);
        return segments;
    }

    private sealed class Waiter(int count)
    {
        public int Count { get; } = count;

        public TaskCompletionSource<byte[][]> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }
    }
}
