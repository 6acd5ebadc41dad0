using PartUploader.Internal.Hashing;
using PartUploader.Internal.Transfer;

namespace PartUploader.Tests.Transfer;

/// <summary>A single PUT alone: what it checks before it sends (nothing here is ever sent: the context's port is closed).</summary>
[Collection(SegmentCacheUsers.Name)]
public sealed class SinglePutTests
{
    /// <summary>A source whose bytes read are judged changed, while the source itself looks unchanged.</summary>
    private sealed class ChangedByTheBytesRead(byte[] data) : PartSource
    {
        public long? JudgedLength { get; private set; }

        public override long? Length => data.Length;

        public override bool ReadsInParallel => false;

        public override bool CanReread => true;

        public override ValueTask<long> ReadAsync(long offset, PartBuffer buffer, long length, PartHasher hasher, CancellationToken cancellationToken)
        {
            long done = 0;
            foreach (Memory<byte> region in buffer.Regions(0, length))
            {
                data.AsSpan((int)(offset + done), region.Length).CopyTo(region.Span);
                hasher.Append(region.Span);
                done += region.Length;
            }

            buffer.Length = done;
            return ValueTask.FromResult(done);
        }

        public override bool ChangedSinceOpen() => false;

        public override bool ChangedSinceOpen(PartBuffer content, uint contentCrc32C)
        {
            JudgedLength = content.Length;
            return true;
        }
    }

    [Fact]
    public async Task RunAsync_SourceChangedByTheBytesRead_RefusedBeforeSending()
    {
        byte[] data = TestBuffers.RandomBytes(70_000, 3);
        var source = new ChangedByTheBytesRead(data);
        UploadContext context = TestUploadContexts.Create(new UploadRequest("L", "H", "application/octet-stream", null, ForceMultipart: false, WholeBlobDigests.None, Progress: null));
        var put = new SinglePut(context, source, new ProgressTracker(null, TimeProvider.System, data.Length, 1), diagnostics: null);

        SourceChangedException error = await Should.ThrowAsync<SourceChangedException>(() => put.RunAsync(null, data.Length, TimeProvider.System.GetTimestamp(), CancellationToken.None));

        error.ErrorCode.ShouldBe(PartUploadErrorCodes.SourceChanged);
        source.JudgedLength.ShouldBe(data.Length);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 65_535)]
    [InlineData(0, 65_536)]
    [InlineData(65_535, 2)]
    [InlineData(65_536, 65_536)]
    [InlineData(100, 200_000 - 100)]
    [InlineData(200_000, 0)]
    public async Task PartBufferCrc32C_AcrossSegments_EqualsTheCrcOfTheSameBytes(int start, int count)
    {
        byte[] data = TestBuffers.RandomBytes(200_000, 9);
        using PartBuffer buffer = await new SegmentPool(4L * SegmentPool.SegmentSize).RentAsync(data.Length, CancellationToken.None);
        long copied = 0;
        foreach (Memory<byte> region in buffer.Regions(0, data.Length))
        {
            data.AsSpan((int)copied, region.Length).CopyTo(region.Span);
            copied += region.Length;
        }

        buffer.Length = data.Length;

        buffer.Crc32C(start, count).ShouldBe(TestBuffers.ReferenceCrc32C(data.AsSpan(start, count).ToArray()));
    }

    [Theory]
    [InlineData(-1, 1)]
    [InlineData(0, -1)]
    [InlineData(199_999, 2)]
    public async Task PartBufferCrc32C_OutsideTheFilledBytes_Throws(int start, int count)
    {
        using PartBuffer buffer = await new SegmentPool(4L * SegmentPool.SegmentSize).RentAsync(200_000, CancellationToken.None);
        buffer.Length = 200_000;

        Should.Throw<ArgumentOutOfRangeException>(() => buffer.Crc32C(start, count));
    }
}
