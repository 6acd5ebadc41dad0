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
}
