using PartUploader.Emulator;

namespace PartUploader.IntegrationTests.EndToEnd;

/// <summary>Downloads of a byte range (<see cref="DownloadOptions.Offset"/>, <see cref="DownloadOptions.Length"/>) against the emulator.</summary>
public sealed class RangeDownloadTests(EmulatorFixture fixture) : EmulatorTestBase(fixture), IClassFixture<EmulatorFixture>
{
    private const string Layer = BlobEmulatorOptions.DemoVersionedLayerId;

    private static async Task<(string Handle, byte[] Data)> StoreAsync(PartUploadClient sut, long length, int seed)
    {
        string handle = NewHandle("rdl");
        byte[] data = Data(length, seed);
        using var source = new MemoryStream(data);
        await sut.UploadAsync(source, Options(handle, forceMultipart: false));
        return (handle, data);
    }

    private async Task<JournalEntry[]> GetsAsync(string handle, int count)
    {
        bool Match(JournalEntry e) => e.Operation == EmulatorOperation.GetBlob && e.Path.EndsWith("/" + handle, StringComparison.Ordinal);
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnAdded(JournalEntry entry)
        {
            if (Emulator.Journal.Entries.Count(Match) >= count)
            {
                enough.TrySetResult();
            }
        }

        // The emulator journals a request after answering it: wait for the entries rather than reading at once.
        Emulator.Journal.Added += OnAdded;
        try
        {
            if (Emulator.Journal.Entries.Count(Match) < count)
            {
                await enough.Task.WaitAsync(TimeSpan.FromSeconds(30));
            }

            return [.. Emulator.Journal.Entries.Where(Match).OrderBy(e => e.Sequence)];
        }
        finally
        {
            Emulator.Journal.Added -= OnAdded;
        }
    }

    private static string? RangeOf(JournalEntry entry) =>
        entry.Headers.FirstOrDefault(h => string.Equals(h.Key, "Range", StringComparison.OrdinalIgnoreCase)).Value;

    [Fact]
    public async Task DownloadToAsync_OffsetAndLength_WritesExactlyThoseBytesWithOneRangedRequest()
    {
        PartUploadClient sut = CreateClient();
        (string handle, byte[] data) = await StoreAsync(sut, 10_000, seed: 21);
        using var destination = new MemoryStream();

        long written = await sut.DownloadToAsync(Layer, handle, destination, new DownloadOptions { Offset = 100, Length = 100 });

        written.ShouldBe(100);
        destination.ToArray().ShouldBe(data[100..200]);
        JournalEntry get = (await GetsAsync(handle, 1)).ShouldHaveSingleItem();
        RangeOf(get).ShouldBe("bytes=100-199");
        get.StatusCode.ShouldBe(206);
    }

    [Fact]
    public async Task DownloadToAsync_OffsetOnly_WritesToTheEnd()
    {
        PartUploadClient sut = CreateClient();
        (string handle, byte[] data) = await StoreAsync(sut, 5_000, seed: 22);
        using var destination = new MemoryStream();

        long written = await sut.DownloadToAsync(Layer, handle, destination, new DownloadOptions { Offset = 4_000 });

        written.ShouldBe(1_000);
        destination.ToArray().ShouldBe(data[4_000..]);
        RangeOf((await GetsAsync(handle, 1)).ShouldHaveSingleItem()).ShouldBe("bytes=4000-");
    }

    [Fact]
    public async Task DownloadToAsync_LengthPastTheEnd_StopsAtTheEnd()
    {
        PartUploadClient sut = CreateClient();
        (string handle, byte[] data) = await StoreAsync(sut, 1_000, seed: 23);
        using var destination = new MemoryStream();

        long written = await sut.DownloadToAsync(Layer, handle, destination, new DownloadOptions { Offset = 900, Length = 500 });

        written.ShouldBe(100);
        destination.ToArray().ShouldBe(data[900..]);
    }

    [Fact]
    public async Task DownloadToAsync_RangeBodyDroppedMidway_ContinuesWithinTheRange()
    {
        PartUploadClient sut = CreateClient();
        (string handle, byte[] data) = await StoreAsync(sut, (3 * MiB) + 17, seed: 24);
        const long offset = 1000;
        const long length = 2 * MiB;
        const long cut = 300_000;
        FaultRule rule = Emulator.Faults.Add(FaultRule.ResetAfterBytes(cut) with { Operation = EmulatorOperation.GetBlob, DataHandle = handle });
        using var destination = new MemoryStream();

        long written = await sut.DownloadToAsync(Layer, handle, destination, new DownloadOptions { Offset = offset, Length = length });

        rule.Fired.ShouldBe(1);
        written.ShouldBe(length);
        destination.ToArray().AsSpan().SequenceEqual(data.AsSpan((int)offset, (int)length)).ShouldBeTrue("the downloaded range differs from the blob");
        JournalEntry[] gets = await GetsAsync(handle, 2);
        RangeOf(gets[0]).ShouldBe($"bytes={offset}-{offset + length - 1}");
        RangeOf(gets[1]).ShouldBe($"bytes={offset + cut}-{offset + length - 1}");
    }

    [Fact]
    public async Task DownloadToFileAsync_Range_WritesTheRangeToTheFile()
    {
        PartUploadClient sut = CreateClient();
        (string handle, byte[] data) = await StoreAsync(sut, 4_096, seed: 25);
        string path = WriteFile([9, 9, 9]);

        long written = await sut.DownloadToFileAsync(Layer, handle, path, new DownloadOptions { Offset = 1, Length = 2_000 });

        written.ShouldBe(2_000);
        (await File.ReadAllBytesAsync(path)).ShouldBe(data[1..2_001]);
    }

    [Theory]
    [InlineData(-1L, null)]
    [InlineData(0L, 0L)]
    [InlineData(5L, -3L)]
    public async Task DownloadToAsync_BadRange_ThrowsBeforeAnyRequest(long offset, long? length)
    {
        PartUploadClient sut = CreateClient();
        string handle = NewHandle("rdl-bad");
        using var destination = new MemoryStream();

        var ex = await Should.ThrowAsync<ArgumentException>(
            () => sut.DownloadToAsync(Layer, handle, destination, new DownloadOptions { Offset = offset, Length = length }));

        ex.Message.ShouldContain(offset < 0 ? "DownloadOptions.Offset" : "DownloadOptions.Length");
        Emulator.Journal.Entries.ShouldNotContain(e => e.Path.EndsWith("/" + handle, StringComparison.Ordinal));
    }
}
