using System.Collections.Concurrent;
using PartUploader.Internal.Transfer;

namespace PartUploader.Tests.Transfer;

public class PartNumberAllocatorTests
{
    private static PartNumberAllocator CreateSut(PartNumbering policy = PartNumbering.FreshOnRetry, int k = 4) => new(policy, k);

    [Fact]
    public void Next_FreshOnRetryFirstAttempts_NumbersOneToN()
    {
        var sut = CreateSut();

        int?[] numbers = Enumerable.Range(0, 5).Select(i => sut.Next(i, 0)).ToArray();

        numbers.ShouldBe([1, 2, 3, 4, 5]);
    }

    [Fact]
    public void Next_FreshOnRetryRetry_TakesNumberAboveAllIssued()
    {
        var sut = CreateSut();
        sut.Next(0, 0);
        sut.Next(1, 0);
        sut.Next(2, 0);

        int? retry = sut.Next(0, 1);

        retry.ShouldBe(4);
    }

    [Fact]
    public void Next_FreshOnRetryHeavyConcurrency_IssuesEveryNumberOnceUpToTheCap()
    {
        var sut = CreateSut();
        var issued = new ConcurrentBag<int>();
        int nulls = 0;

        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            if (sut.Next(i % 100, i % 3) is int n)
            {
                issued.Add(n);
            }
            else
            {
                Interlocked.Increment(ref nulls);
            }
        });

        issued.Count.ShouldBe(10_000);
        issued.Distinct().Count().ShouldBe(10_000);
        issued.Min().ShouldBe(1);
        issued.Max().ShouldBe(10_000);
        nulls.ShouldBe(10_000);
        sut.Highest.ShouldBe(10_000);
    }

    [Fact]
    public void Next_FreshOnRetryConcurrentCallers_EachSeesStrictlyIncreasingNumbers()
    {
        var sut = CreateSut();
        var perThread = new ConcurrentBag<List<int>>();

        Parallel.For(0, 8, _ =>
        {
            var mine = new List<int>();
            for (int i = 0; i < 1_000; i++)
            {
                mine.Add(sut.Next(0, 1)!.Value);
            }

            perThread.Add(mine);
        });

        foreach (List<int> sequence in perThread)
        {
            sequence.Zip(sequence.Skip(1)).ShouldAllBe(pair => pair.Second > pair.First);
        }
    }

    [Fact]
    public void Next_FreshOnRetryAfterCap_ReturnsNullAndHighestStaysAtCap()
    {
        var sut = CreateSut();
        for (int i = 0; i < 10_000; i++)
        {
            sut.Next(i, 0);
        }

        int? extra = sut.Next(0, 1);

        extra.ShouldBeNull();
        sut.Highest.ShouldBe(10_000);
    }

    [Theory]
    [InlineData(0, 0, 1)]
    [InlineData(0, 3, 4)]
    [InlineData(1, 0, 5)]
    [InlineData(2, 1, 10)]
    [InlineData(2_499, 3, 10_000)]
    public void Next_Reserved_UsesPartOwnRange(int part, int attempt, int expected)
    {
        var sut = CreateSut(PartNumbering.Reserved, 4);

        sut.Next(part, attempt).ShouldBe(expected);
    }

    [Fact]
    public void Next_ReservedAttemptsBeyondK_ReturnsNull()
    {
        var sut = CreateSut(PartNumbering.Reserved, 4);

        sut.Next(3, 4).ShouldBeNull();
    }

    [Fact]
    public void Next_ReservedPartBeyondCap_ReturnsNull()
    {
        var sut = CreateSut(PartNumbering.Reserved, 4);

        sut.Next(2_500, 0).ShouldBeNull();
    }

    [Fact]
    public void Next_ReservedRanges_NeverOverlapBetweenParts()
    {
        var sut = CreateSut(PartNumbering.Reserved, 3);

        int[] all = Enumerable.Range(0, 100).SelectMany(p => Enumerable.Range(0, 3).Select(a => sut.Next(p, a)!.Value)).ToArray();

        all.Distinct().Count().ShouldBe(300);
        sut.Highest.ShouldBe(300);
    }
}
