using PartUploader.Internal.Transfer;

namespace PartUploader.Tests.Transfer;

/// <summary>
/// A file's change fingerprint: its length, last write time, and a CRC-32C of its first and last MiB, taken when it is
/// opened and again before the upload is completed.
/// </summary>
[Collection(SegmentCacheUsers.Name)]
public sealed class FileSourceTests : IDisposable
{
    private const int MiB = 1024 * 1024;
    private readonly string _dir = Directory.CreateTempSubdirectory("filesource-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(int length)
    {
        string path = Path.Combine(_dir, Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, TestBuffers.RandomBytes(length, length));
        return path;
    }

    /// <summary>Changes one byte in place and puts the last write time back, so only the window hashes can tell.</summary>
    private static void FlipByteKeepingTime(string path, long offset)
    {
        DateTime written = File.GetLastWriteTimeUtc(path);
        using (var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = offset;
            int value = file.ReadByte();
            file.Position = offset;
            file.WriteByte((byte)(value ^ 0x5A));
        }

        File.SetLastWriteTimeUtc(path, written);
    }

    [Fact]
    public void ChangedSinceOpen_Unchanged_IsFalse()
    {
        string path = Write((3 * MiB) + 17);
        using FileSource source = FileSource.Open(path);

        source.ChangedSinceOpen().ShouldBeFalse();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(MiB - 1)]
    [InlineData((3 * MiB) + 16)]
    [InlineData((2 * MiB) + 17)]
    public void ChangedSinceOpen_AByteInTheFirstOrLastMiBWithTheTimeRestored_IsTrue(long offset)
    {
        string path = Write((3 * MiB) + 17);
        using FileSource source = FileSource.Open(path);

        FlipByteKeepingTime(path, offset);

        source.ChangedSinceOpen().ShouldBeTrue();
    }

    [Fact]
    public void ChangedSinceOpen_AByteBetweenTheWindowsWithTheTimeRestored_IsFalse()
    {
        // The documented limit: bytes outside both windows are covered only by the last write time.
        string path = Write((3 * MiB) + 17);
        using FileSource source = FileSource.Open(path);

        FlipByteKeepingTime(path, (long)(1.5 * MiB));

        source.ChangedSinceOpen().ShouldBeFalse();
    }

    [Fact]
    public void ChangedSinceOpen_ANewWriteTime_IsTrue()
    {
        string path = Write(MiB);
        using FileSource source = FileSource.Open(path);

        File.SetLastWriteTimeUtc(path, File.GetLastWriteTimeUtc(path).AddSeconds(-5));

        source.ChangedSinceOpen().ShouldBeTrue();
    }

    [Fact]
    public void ChangedSinceOpen_ASmallFileGrownWithTheTimeRestored_IsTrue()
    {
        // A file shorter than the window (its length is part of the fingerprint too).
        string path = Write(1000);
        using FileSource source = FileSource.Open(path);
        DateTime written = File.GetLastWriteTimeUtc(path);

        using (var file = new FileStream(path, FileMode.Append, FileAccess.Write))
        {
            file.Write(new byte[8]);
        }

        File.SetLastWriteTimeUtc(path, written);

        source.ChangedSinceOpen().ShouldBeTrue();
    }

    /// <summary>The CRC-32C of everything in <paramref name="content"/>, as the read that filled it computed.</summary>
    private static uint WholeCrc(PartBuffer content) => content.Crc32C(0, content.Length);

    /// <summary>Reads <paramref name="length"/> bytes from the start (the whole file by default, as a single PUT does).</summary>
    private static async Task<PartBuffer> ReadAsync(FileSource source, string path, long? length = null)
    {
        long count = length ?? new FileInfo(path).Length;
        PartBuffer buffer = await new SegmentPool((long)SegmentPool.SegmentsFor(count) * SegmentPool.SegmentSize).RentAsync(count, CancellationToken.None);
        using var hasher = new Internal.Hashing.PartHasher(DigestAlgorithm.None);
        (await source.ReadAsync(0, buffer, count, hasher, CancellationToken.None)).ShouldBe(count);
        return buffer;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    [InlineData(MiB)]
    [InlineData(2 * MiB)]
    [InlineData((3 * MiB) + 17)]
    public async Task ChangedSinceOpen_WholeContentReadUnchanged_IsFalse(int length)
    {
        string path = Write(length);
        using FileSource source = FileSource.Open(path);
        using PartBuffer content = await ReadAsync(source, path);

        source.ChangedSinceOpen(content, WholeCrc(content)).ShouldBeFalse();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(MiB + 5)]
    [InlineData((2 * MiB) - 1)]
    public async Task ChangedSinceOpen_WholeContentReadAfterAChangeWithTheTimeRestored_IsTrue(long offset)
    {
        // Changed between open and the read (anywhere: two windows cover a 2 MiB file): the bytes read are not the file that was opened.
        string path = Write(2 * MiB);
        using FileSource source = FileSource.Open(path);
        FlipByteKeepingTime(path, offset);
        using PartBuffer content = await ReadAsync(source, path);

        source.ChangedSinceOpen(content, WholeCrc(content)).ShouldBeTrue();
    }

    [Theory]
    [InlineData(70_000, 0)]
    [InlineData(70_000, 69_999)]
    [InlineData(2 * MiB, MiB)]
    public async Task ChangedSinceOpen_BytesReadDifferFromTheFileAtOpen_IsTrue(int length, int changed)
    {
        // Up to 2 MiB what was read (and would be sent) is judged, not the file read again: a read that caught a passing
        // change (here: a byte of the buffer changed after the read) is refused although the file matches its open.
        string path = Write(length);
        using FileSource source = FileSource.Open(path);
        using PartBuffer content = await ReadAsync(source, path);
        content.Regions(changed, 1)[0].Span[0] ^= 0x5A;

        source.ChangedSinceOpen().ShouldBeFalse();
        source.ChangedSinceOpen(content, WholeCrc(content)).ShouldBeTrue();
    }

    [Fact]
    public async Task ChangedSinceOpen_LongerThanTwoWindows_JudgesByTheFileNotTheBytesRead()
    {
        // Past 2 MiB the windows do not cover the bytes read, so the file's windows are read again (a torn read could
        // pass a check of the bytes read): a difference only in the buffer is not the file's.
        string path = Write((2 * MiB) + 1);
        using FileSource source = FileSource.Open(path);
        using PartBuffer content = await ReadAsync(source, path);
        content.Regions(0, 1)[0].Span[0] ^= 0x5A;

        source.ChangedSinceOpen(content, WholeCrc(content)).ShouldBeFalse();
        FlipByteKeepingTime(path, 0);
        source.ChangedSinceOpen(content, WholeCrc(content)).ShouldBeTrue();
    }

    [Fact]
    public async Task ChangedSinceOpen_WholeContentThenANewWriteTime_IsTrue()
    {
        string path = Write(5000);
        using FileSource source = FileSource.Open(path);
        using PartBuffer content = await ReadAsync(source, path);

        File.SetLastWriteTimeUtc(path, File.GetLastWriteTimeUtc(path).AddSeconds(-5));

        source.ChangedSinceOpen(content, WholeCrc(content)).ShouldBeTrue();
    }

    [Fact]
    public async Task ChangedSinceOpen_ContentShorterThanTheFile_JudgesByTheFile()
    {
        // Not the whole file: the windows are read from the file again, which catches a change the bytes read do not hold.
        string path = Write((3 * MiB) + 17);
        using FileSource source = FileSource.Open(path);
        using PartBuffer content = await ReadAsync(source, path, MiB);

        FlipByteKeepingTime(path, (3 * MiB) + 16);

        source.ChangedSinceOpen(content, WholeCrc(content)).ShouldBeTrue();
    }
}
