using PartUploader.Emulator;

namespace PartUploader.IntegrationTests.EndToEnd;

/// <summary>Downloads against the emulator: a dropped body continues with a ranged request; a file appears only when whole and verified.</summary>
public sealed class DownloadTests(EmulatorFixture fixture) : EmulatorTestBase(fixture), IClassFixture<EmulatorFixture>
{
    private const string Layer = BlobEmulatorOptions.DemoVersionedLayerId;

    private static async Task<(string Handle, byte[] Data, uint Crc)> StoreAsync(PartUploadClient sut, long length, int seed)
    {
        string handle = NewHandle("dl");
        byte[] data = Data(length, seed);
        using var source = new MemoryStream(data);
        PartUploadResult result = await sut.UploadAsync(source, Options(handle, forceMultipart: false));
        return (handle, data, result.Crc32C);
    }

    private JournalEntry[] Gets(string handle) =>
        Emulator.Journal.Entries.Where(e => e.Operation == EmulatorOperation.GetBlob && e.Path.EndsWith("/" + handle, StringComparison.Ordinal)).ToArray();

    private static string? RangeOf(JournalEntry entry) =>
        entry.Headers.FirstOrDefault(h => string.Equals(h.Key, "Range", StringComparison.OrdinalIgnoreCase)).Value;

    [Fact]
    public async Task DownloadToAsync_BodyDroppedMidway_ContinuesWithRangeAndIsByteIdentical()
    {
        PartUploadClient sut = CreateClient();
        (string handle, byte[] data, _) = await StoreAsync(sut, (3 * MiB) + 123, seed: 11);
        const long cut = (1 * MiB) + 7;
        FaultRule rule = Emulator.Faults.Add(FaultRule.ResetAfterBytes(cut) with { Operation = EmulatorOperation.GetBlob, DataHandle = handle });
        using var destination = new MemoryStream();

        long written = await sut.DownloadToAsync(Layer, handle, destination);

        rule.Fired.ShouldBe(1);
        written.ShouldBe(data.LongLength);
        destination.ToArray().AsSpan().SequenceEqual(data).ShouldBeTrue("the downloaded bytes differ from the blob");
        JournalEntry[] gets = Gets(handle);
        gets.Length.ShouldBe(2);
        RangeOf(gets[0]).ShouldBeNull();
        RangeOf(gets[1]).ShouldBe($"bytes={cut}-");
        gets[1].StatusCode.ShouldBe(206);
    }

    [Fact]
    public async Task DownloadToAsync_EveryRequestDropsWithoutProgress_ThrowsNetworkErrorAfterMaxAttempts()
    {
        PartUploadClient sut = CreateClient(o => o.Retry.MaxAttempts = 3);
        (string handle, _, _) = await StoreAsync(sut, 200_000, seed: 12);
        Emulator.Faults.Add(FaultRule.ResetAfterBytes(0) with { Operation = EmulatorOperation.GetBlob, DataHandle = handle, Times = FaultRule.Unlimited });
        using var destination = new MemoryStream();

        var ex = await Should.ThrowAsync<PartUploadException>(() => sut.DownloadToAsync(Layer, handle, destination));

        ex.ErrorCode.ShouldBe(PartUploadErrorCodes.NetworkError);
        ex.DataHandle.ShouldBe(handle);
        Gets(handle).Length.ShouldBe(3, "MaxAttempts requests in a row gained no byte");
    }

    [Fact]
    public async Task DownloadToFileAsync_RightCrc_WritesTheFileAndLeavesNoTemporary()
    {
        PartUploadClient sut = CreateClient();
        (string handle, byte[] data, uint crc) = await StoreAsync(sut, (2 * MiB) + 5, seed: 13);
        Emulator.Faults.Add(FaultRule.ResetAfterBytes(MiB) with { Operation = EmulatorOperation.GetBlob, DataHandle = handle });
        string directory = Directory.CreateTempSubdirectory("partuploader-dl-").FullName;
        try
        {
            string path = Path.Combine(directory, "blob.bin");

            long written = await sut.DownloadToFileAsync(Layer, handle, path, new DownloadOptions { ExpectedCrc32C = crc });

            written.ShouldBe(data.LongLength);
            (await File.ReadAllBytesAsync(path)).AsSpan().SequenceEqual(data).ShouldBeTrue("the file differs from the blob");
            Directory.GetFiles(directory).ShouldBe([path]);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task DownloadToFileAsync_WrongCrc_ThrowsDownloadMismatchAndLeavesNoFile()
    {
        PartUploadClient sut = CreateClient();
        (string handle, _, uint crc) = await StoreAsync(sut, 300_000, seed: 14);
        string directory = Directory.CreateTempSubdirectory("partuploader-dl-").FullName;
        try
        {
            string path = Path.Combine(directory, "blob.bin");

            var ex = await Should.ThrowAsync<PartUploadException>(
                () => sut.DownloadToFileAsync(Layer, handle, path, new DownloadOptions { ExpectedCrc32C = crc ^ 1 }));

            ex.ErrorCode.ShouldBe(PartUploadErrorCodes.DownloadMismatch);
            ex.Operation.ShouldBe("GetBlob");
            Directory.GetFiles(directory).ShouldBeEmpty();
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task DownloadToFileAsync_WrongCrc_KeepsAnExistingFileUnchanged()
    {
        PartUploadClient sut = CreateClient();
        (string handle, _, uint crc) = await StoreAsync(sut, 1000, seed: 15);
        string path = WriteFile([1, 2, 3]);

        await Should.ThrowAsync<PartUploadException>(
            () => sut.DownloadToFileAsync(Layer, handle, path, new DownloadOptions { ExpectedCrc32C = crc + 1 }));

        (await File.ReadAllBytesAsync(path)).ShouldBe([1, 2, 3]);
        Directory.GetFiles(Path.GetDirectoryName(path)!).ShouldBe([path]);
    }

    [Fact]
    public async Task DownloadToAsync_RightCrcThroughStream_ReturnsLength()
    {
        PartUploadClient sut = CreateClient();
        (string handle, byte[] data, uint crc) = await StoreAsync(sut, 50_000, seed: 16);
        using var destination = new MemoryStream();

        long written = await sut.DownloadToAsync(Layer, handle, destination, new DownloadOptions { ExpectedCrc32C = crc });

        written.ShouldBe(data.LongLength);
    }
}
