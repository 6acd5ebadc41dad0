using PartUploader.Internal.Transfer;

namespace PartUploader.Tests.Transfer;

[Collection(SegmentCacheUsers.Name)]
public class SegmentPoolTests
{
    private const int Seg = SegmentPool.SegmentSize;

    private static SegmentPool CreateSut(int segments = 2) => new((long)segments * Seg);

    [Fact]
    public async Task RentAsync_WithinBudget_CompletesAtOnce()
    {
        var sut = CreateSut(2);

        ValueTask<PartBuffer> rent = sut.RentAsync(2 * Seg, CancellationToken.None);

        rent.IsCompleted.ShouldBeTrue();
        using PartBuffer buffer = await rent;
        sut.Outstanding.ShouldBe(2);
    }

    [Fact]
    public async Task RentAsync_QueuedWaiters_AreServedFirstComeFirstServed()
    {
        var sut = CreateSut(2);
        PartBuffer a = await sut.RentAsync(Seg, CancellationToken.None);
        PartBuffer b = await sut.RentAsync(Seg, CancellationToken.None);
        Task<PartBuffer> big = sut.RentAsync(2 * Seg, CancellationToken.None).AsTask();
        Task<PartBuffer> small = sut.RentAsync(Seg, CancellationToken.None).AsTask();

        a.Dispose();

        // One segment is free, enough for the small waiter, but the big one queued first.
        small.IsCompleted.ShouldBeFalse();
        big.IsCompleted.ShouldBeFalse();
        b.Dispose();
        PartBuffer bigBuffer = await big.WaitAsync(TimeSpan.FromSeconds(10));
        small.IsCompleted.ShouldBeFalse();
        bigBuffer.Dispose();
        (await small.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
        sut.Outstanding.ShouldBe(0);
    }

    [Fact]
    public async Task RentAsync_CancelledWaiter_ThrowsAndUnblocksTheNext()
    {
        var sut = CreateSut(2);
        using PartBuffer held = await sut.RentAsync(Seg, CancellationToken.None);
        using var cts = new CancellationTokenSource();
        Task<PartBuffer> big = sut.RentAsync(2 * Seg, cts.Token).AsTask();
        Task<PartBuffer> small = sut.RentAsync(Seg, CancellationToken.None).AsTask();

        await cts.CancelAsync();

        await Should.ThrowAsync<TaskCanceledException>(big);
        using PartBuffer smallBuffer = await small.WaitAsync(TimeSpan.FromSeconds(10));
        sut.Outstanding.ShouldBe(2);
    }

    [Fact]
    public async Task RentAsync_CancelledWaiter_TakesNoSegments()
    {
        var sut = CreateSut(1);
        PartBuffer held = await sut.RentAsync(Seg, CancellationToken.None);
        using var cts = new CancellationTokenSource();
        Task<PartBuffer> waiting = sut.RentAsync(Seg, cts.Token).AsTask();

        await cts.CancelAsync();
        await Should.ThrowAsync<TaskCanceledException>(waiting);
        held.Dispose();

        sut.Outstanding.ShouldBe(0);
    }

    [Fact]
    public async Task RentAsync_ManyConcurrentRenters_NeverExceedBudgetAndEndAtZero()
    {
        var sut = CreateSut(8);
        int maxSeen = 0;
        var random = new Random(42);
        int[] sizes = Enumerable.Range(0, 400).Select(_ => random.Next(1, 5)).ToArray();

        await Parallel.ForEachAsync(sizes, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (segments, ct) =>
        {
            using PartBuffer buffer = await sut.RentAsync((long)segments * Seg, ct);
            int now = sut.Outstanding;
            int seen;
            do
            {
                seen = Volatile.Read(ref maxSeen);
            }
            while (now > seen && Interlocked.CompareExchange(ref maxSeen, now, seen) != seen);
            await Task.Yield();
        });

        maxSeen.ShouldBeLessThanOrEqualTo(8);
        sut.PeakBytes.ShouldBeLessThanOrEqualTo(sut.CapacityBytes);
        sut.Allocated.ShouldBeLessThanOrEqualTo(8);
        sut.Outstanding.ShouldBe(0);
    }

    [Fact]
    public async Task RentAsync_MoreThanBudget_Throws()
    {
        var sut = CreateSut(2);

        await Should.ThrowAsync<InvalidOperationException>(async () => await sut.RentAsync((2 * Seg) + 1, CancellationToken.None));
    }

    [Fact]
    public async Task Dispose_Twice_ReturnsSegmentsOnce()
    {
        var sut = CreateSut(2);
        PartBuffer buffer = await sut.RentAsync(Seg, CancellationToken.None);
        using PartBuffer other = await sut.RentAsync(Seg, CancellationToken.None);

        buffer.Dispose();
        buffer.Dispose();

        sut.Outstanding.ShouldBe(1);
    }

    [Fact]
    public async Task RentAsync_AfterReturn_ReusesSegments()
    {
        var sut = CreateSut(2);
        (await sut.RentAsync(2 * Seg, CancellationToken.None)).Dispose();
        int allocatedByFirstRent = sut.Allocated;

        using PartBuffer again = await sut.RentAsync(2 * Seg, CancellationToken.None);

        sut.Allocated.ShouldBe(allocatedByFirstRent, "returned segments are reused, not allocated again");
    }

    [Fact]
    public async Task WriteToAsync_BufferDisposedAndItsListReusedMidWrite_StopsWithObjectDisposed()
    {
        // A writer left running after its buffer went back must not go on through the list another part now holds.
        var sut = CreateSut(4);
        PartBuffer first = await sut.RentAsync(2 * Seg, CancellationToken.None);
        first.Length = 2 * Seg;
        PartBuffer? second = null;
        var destination = new CallbackStream(() =>
        {
            first.Dispose();
            second = sut.RentAsync(2 * Seg, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        });

        await Should.ThrowAsync<ObjectDisposedException>(() => first.WriteToAsync(destination, null, CancellationToken.None));

        destination.Writes.ShouldBe(1);
        second.ShouldNotBeNull().Dispose();
        sut.Outstanding.ShouldBe(0);
    }

    /// <summary>Counts writes and runs an action on the first one.</summary>
    private sealed class CallbackStream(Action onFirstWrite) : Stream
    {
        public int Writes { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (++Writes == 1)
            {
                onFirstWrite();
            }

            return ValueTask.CompletedTask;
        }
    }
}
