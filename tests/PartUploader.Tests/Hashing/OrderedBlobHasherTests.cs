using System.Security.Cryptography;
using PartUploader.Internal.Hashing;
using PartUploader.Internal.Transfer;
using PartUploader.Tests.Transfer;

#pragma warning disable CA5350, CA5351 // MD5 and SHA-1 are test oracles for integrity digests.

namespace PartUploader.Tests.Hashing;

[Collection(SegmentCacheUsers.Name)]
public class OrderedBlobHasherTests
{
    private static OrderedBlobHasher CreateSut(WholeBlobDigests digests = WholeBlobDigests.Md5 | WholeBlobDigests.Sha1 | WholeBlobDigests.Sha256) => new(digests);

    [Fact]
    public async Task AppendAsync_PartsArriveOutOfOrder_HashesInByteOrder()
    {
        using OrderedBlobHasher sut = CreateSut();
        var pool = new SegmentPool(4L * 1024 * 1024);
        byte[][] parts = Enumerable.Range(0, 4).Select(i => TestBuffers.RandomBytes(100_000 + i, i)).ToArray();
        PartBuffer[] buffers = parts.Select(p => TestBuffers.Fill(pool, p)).ToArray();

        // Later parts first: each must wait for its predecessor.
        Task three = sut.AppendAsync(3, buffers[3], CancellationToken.None).AsTask();
        Task one = sut.AppendAsync(1, buffers[1], CancellationToken.None).AsTask();
        Task two = sut.AppendAsync(2, buffers[2], CancellationToken.None).AsTask();
        three.IsCompleted.ShouldBeFalse();
        await sut.AppendAsync(0, buffers[0], CancellationToken.None);
        await Task.WhenAll(one, two, three).WaitAsync(TimeSpan.FromSeconds(10));

        byte[] whole = parts.SelectMany(p => p).ToArray();
        (string? md5, string? sha1, string? sha256) = sut.Finish();
        md5.ShouldBe(Convert.ToHexStringLower(MD5.HashData(whole)));
        sha1.ShouldBe(Convert.ToHexStringLower(SHA1.HashData(whole)));
        sha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(whole)));
    }

    [Fact]
    public async Task AppendAsync_ConcurrentShuffledParts_HashesInByteOrder()
    {
        using OrderedBlobHasher sut = CreateSut(WholeBlobDigests.Sha256);
        var pool = new SegmentPool(16L * 1024 * 1024);
        byte[][] parts = Enumerable.Range(0, 20).Select(i => TestBuffers.RandomBytes(10_000, 100 + i)).ToArray();
        PartBuffer[] buffers = parts.Select(p => TestBuffers.Fill(pool, p)).ToArray();
        int[] order = Enumerable.Range(0, 20).ToArray();
        new Random(3).Shuffle(order);

        await Task.WhenAll(order.Select(i => Task.Run(async () => await sut.AppendAsync(i, buffers[i], CancellationToken.None)))).WaitAsync(TimeSpan.FromSeconds(10));

        sut.Finish().Sha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(parts.SelectMany(p => p).ToArray())));
    }

    [Fact]
    public void Finish_NoDigestsRequested_ReturnsNulls()
    {
        using OrderedBlobHasher sut = CreateSut(WholeBlobDigests.None);

        sut.IsActive.ShouldBeFalse();
        sut.Finish().ShouldBe((null, null, null));
    }

    [Fact]
    public void Finish_OnlySha1Requested_ReturnsOnlySha1()
    {
        using OrderedBlobHasher sut = CreateSut(WholeBlobDigests.Sha1);

        (string? md5, string? sha1, string? sha256) = sut.Finish();

        md5.ShouldBeNull();
        sha1.ShouldBe(Convert.ToHexStringLower(SHA1.HashData([])));
        sha256.ShouldBeNull();
    }
}
