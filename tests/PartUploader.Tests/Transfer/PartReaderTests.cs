using System.Security.Cryptography;
using PartUploader.Internal.Hashing;
using PartUploader.Internal.Transfer;

namespace PartUploader.Tests.Transfer;

/// <summary>
/// The three part readers, chosen once per source: a file's parts are planned and read by their senders; a stream of
/// known length is read in order and must not end early; a stream of unknown length ends at its first short read.
/// </summary>
[Collection(SegmentCacheUsers.Name)]
public sealed class PartReaderTests : IDisposable
{
    private const int MiB = 1024 * 1024;
    private readonly string _dir = Directory.CreateTempSubdirectory("readers-").FullName;
    private readonly SegmentPool _pool = new(64L * MiB);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static UploadContext Context(WholeBlobDigests digests = WholeBlobDigests.None) =>
        TestUploadContexts.Create(new UploadRequest("L", "H", "application/octet-stream", null, ForceMultipart: false, digests, Progress: null));

    private static PartPlan Plan(long? length) => PartPlan.Create(length, 5L * MiB, 64L * MiB, PartNumbering.FreshOnRetry, 1);

    /// <summary>Reads every part the reader yields, in order, as the dispatcher does; the file reader's parts are filled afterwards.</summary>
    private async Task<List<(ReadPart Part, byte[] Bytes)>> ReadAllAsync(PartReader reader)
    {
        var parts = new List<(ReadPart, byte[])>();
        long offset = 0;
        for (int index = 0; reader.Plan.PartCount is not int count || index < count; index++)
        {
            long size = reader.PlannedSize(index, offset);
            using PartBuffer buffer = await _pool.RentAsync(Math.Max(size, 1), CancellationToken.None);
            if (await reader.NextAsync(index, offset, size, buffer, CancellationToken.None) is not ReadPart part)
            {
                break;
            }

            if (reader.ReadsOnSender)
            {
                part.Digest.ShouldBeNull("a file's part is read by its sender, not by the dispatcher");
                part = await reader.FillAsync(part, buffer, CancellationToken.None);
            }

            byte[] bytes = new byte[part.Length];
            int at = 0;
            buffer.ForEachSpan(span =>
            {
                span.CopyTo(bytes.AsSpan(at));
                at += span.Length;
            });
            parts.Add((part, bytes));
            offset += part.Length;
            if (part.Last)
            {
                break;
            }
        }

        return parts;
    }

    private static void ShouldBeTheSource(List<(ReadPart Part, byte[] Bytes)> parts, byte[] data, bool lastMarked = true)
    {
        parts.SelectMany(p => p.Bytes).ToArray().ShouldBe(data);
        parts.Select(p => p.Part.Index).ShouldBe(Enumerable.Range(0, parts.Count));
        parts.Count(p => p.Part.Last).ShouldBe(lastMarked ? 1 : 0);
        parts[^1].Part.Last.ShouldBe(lastMarked);
        foreach ((ReadPart part, byte[] bytes) in parts)
        {
            part.Digest!.Value.Crc32C.ShouldBe(TestBuffers.ReferenceCrc32C(bytes), $"part {part.Index}");
        }
    }

    [Fact]
    public async Task File_PlannedHere_ReadBySenders_AndFeedsTheWholeBlobDigestInOrder()
    {
        byte[] data = TestBuffers.RandomBytes((12 * MiB) + 7, seed: 1);
        string path = Path.Combine(_dir, "f.bin");
        await File.WriteAllBytesAsync(path, data);
        using FileSource source = FileSource.Open(path);
        using var wholeBlob = new OrderedBlobHasher(WholeBlobDigests.Sha256);
        PartReader reader = PartReader.For(source, Plan(source.Length), wholeBlob, Context());

        reader.ShouldBeOfType<FilePartReader>();
        List<(ReadPart Part, byte[] Bytes)> parts = await ReadAllAsync(reader);

        parts.Count.ShouldBe(3);
        ShouldBeTheSource(parts, data);
        wholeBlob.Finish().Sha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(data)));
    }

    [Fact]
    public async Task File_TruncatedAfterOpen_FailsSourceTooShortWhenItsSenderReads()
    {
        byte[] data = TestBuffers.RandomBytes(11 * MiB, seed: 2);
        string path = Path.Combine(_dir, "t.bin");
        await File.WriteAllBytesAsync(path, data);
        using FileSource source = FileSource.Open(path);
        using var wholeBlob = new OrderedBlobHasher(WholeBlobDigests.None);
        PartReader reader = PartReader.For(source, Plan(source.Length), wholeBlob, Context());
        using (var truncate = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            truncate.SetLength(6 * MiB);
        }

        var ex = await Should.ThrowAsync<SourceChangedException>(() => ReadAllAsync(reader));

        ex.ErrorCode.ShouldBe(PartUploadErrorCodes.SourceTooShort);
        ex.Offset.ShouldBe(6L * MiB, "where the source ended");
    }

    [Fact]
    public async Task KnownLengthStream_ReadInOrderHere()
    {
        byte[] data = TestBuffers.RandomBytes((10 * MiB) + 3, seed: 3);
        using var stream = new MemoryStream(data);
        using var source = new StreamSource(stream);
        using var wholeBlob = new OrderedBlobHasher(WholeBlobDigests.None);
        PartReader reader = PartReader.For(source, Plan(source.Length), wholeBlob, Context());

        reader.ShouldBeOfType<KnownLengthPartReader>();
        reader.ReadsOnSender.ShouldBeFalse();
        reader.FirstPartDecides.ShouldBeFalse();
        ShouldBeTheSource(await ReadAllAsync(reader), data);
    }

    [Fact]
    public async Task KnownLengthStream_EndingBeforeItsLength_FailsSourceTooShort()
    {
        byte[] data = TestBuffers.RandomBytes(7 * MiB, seed: 4);
        using var stream = new LongerThanItIsStream(data, claimedExtra: 4 * MiB);
        using var source = new StreamSource(stream);
        using var wholeBlob = new OrderedBlobHasher(WholeBlobDigests.None);
        PartReader reader = PartReader.For(source, Plan(source.Length), wholeBlob, Context());

        var ex = await Should.ThrowAsync<SourceChangedException>(() => ReadAllAsync(reader));

        ex.ErrorCode.ShouldBe(PartUploadErrorCodes.SourceTooShort);
        ex.Offset.ShouldBe(7L * MiB);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData((5 * MiB) - 1)]
    [InlineData(5 * MiB)]
    [InlineData((11 * MiB) + 5)]
    public async Task UnknownLengthStream_EndsAtItsFirstShortRead_AndItsFirstPartDecides(int length)
    {
        byte[] data = TestBuffers.RandomBytes(length, seed: 5);
        using var stream = new ForwardOnlyStream(data);
        using var source = new StreamSource(stream);
        using var wholeBlob = new OrderedBlobHasher(WholeBlobDigests.None);
        PartReader reader = PartReader.For(source, Plan(source.Length), wholeBlob, Context());

        reader.ShouldBeOfType<UnknownLengthPartReader>();
        reader.FirstPartDecides.ShouldBeTrue();
        List<(ReadPart Part, byte[] Bytes)> parts = await ReadAllAsync(reader);

        // A length that is a whole number of parts is only known to have ended when the next read comes back empty:
        // then no part is marked last, and the reader yields nothing more.
        bool endsShort = length == 0 || length % (5 * MiB) != 0;
        ShouldBeTheSource(parts, data, lastMarked: endsShort);
        parts.Count.ShouldBe(length == 0 ? 1 : (length + (5 * MiB) - 1) / (5 * MiB));
    }

    /// <summary>A seekable stream whose <see cref="Length"/> claims more bytes than it holds.</summary>
    private sealed class LongerThanItIsStream(byte[] data, long claimedExtra) : MemoryStream(data)
    {
        public override long Length => base.Length + claimedExtra;
    }

    /// <summary>A stream that can only be read forwards and does not know its length.</summary>
    private sealed class ForwardOnlyStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }
    }
}
