using PartUploader.Emulator;
using PartUploader.Internal.Transfer;

namespace PartUploader.IntegrationTests.EndToEnd;

/// <summary>A batch run again with its journal: completed items skipped, items in flight resumed, the rest started.</summary>
public sealed class BatchJournalTests(EmulatorFixture fixture) : EmulatorTestBase(fixture), IClassFixture<EmulatorFixture>, IDisposable
{
    private readonly string _journal = Directory.CreateTempSubdirectory("partuploader-batch-journal-").FullName;

    public new void Dispose()
    {
        base.Dispose();
        Directory.Delete(_journal, recursive: true);
    }

    [Fact]
    public async Task UploadBatchAsync_RerunWithItsJournal_SkipsCompletedResumesTheInterruptedAndNeverStartsAHandleTwice()
    {
        (string Handle, byte[] Data, string Path)[] items = MakeItems(("small-a", 1000), ("large-b", 30 * MiB), ("large-c", 30 * MiB), ("small-d", 2000));
        string interrupted = items[2].Handle;
        // The first run loses large-c after two parts, and its server-side cancel is refused: its upload stays open, as after a crash.
        Emulator.Faults.Add(FaultRule.Status(403) with { Operation = EmulatorOperation.UploadPart, DataHandle = interrupted, PartNumber = 3 });
        Emulator.Faults.Add(FaultRule.Status(403) with { Operation = EmulatorOperation.CancelMultipart, DataHandle = interrupted, Times = FaultRule.Unlimited });
        PartUploadClient sut = CreateClient(o => { o.MaxConcurrency = 1; o.SingleShotThreshold = 5 * MiB; });

        BatchUploadResult first = await sut.UploadBatchAsync(Batch(items), Options());
        first.Failures.Single().Item.DataHandle.ShouldBe(interrupted);
        UploadOf(interrupted).State.ShouldBe(UploadState.Open);
        Emulator.Faults.Clear();
        DateTimeOffset firstEnded = TimeProvider.System.GetUtcNow(); // every request of the first run arrived before this

        BatchUploadResult second = await sut.UploadBatchAsync(Batch(items), Options());

        second.Failed.ShouldBe(0, string.Join("\n", second.Failures));
        second.Items.Where(i => i.Item.DataHandle != interrupted).ShouldAllBe(i => i.FromJournal);
        second.Items.Single(i => i.Item.DataHandle == interrupted).Result!.ResumedParts.ShouldBe(2);
        foreach ((string handle, byte[] data, _) in items)
        {
            ShouldHaveStored(handle, data);
        }

        JournalEntry[] rerun = [.. Emulator.Journal.Entries.Where(e => e.Timestamp > firstEnded)];
        rerun.ShouldNotContain(e => e.Operation == EmulatorOperation.StartMultipart || e.Operation == EmulatorOperation.PutBlob, "no handle gets a second start");
        rerun.Count(e => e.Operation == EmulatorOperation.UploadPart).ShouldBe(4, "only the four parts not acknowledged are sent");
        ShouldNeverReuseNumbers(interrupted);
        Directory.GetFiles(_journal, "*.upload-journal").ShouldBeEmpty();
    }

    [Fact]
    public async Task UploadBatchAsync_FileChangedSinceTheJournal_ThatItemFailsSourceChangedTheOthersGoOn()
    {
        (string Handle, byte[] Data, string Path)[] items = MakeItems(("changed", 20 * MiB), ("other", 3000));
        Emulator.Faults.Add(FaultRule.Status(403) with { Operation = EmulatorOperation.UploadPart, DataHandle = items[0].Handle, PartNumber = 2 });
        Emulator.Faults.Add(FaultRule.Status(403) with { Operation = EmulatorOperation.CancelMultipart, DataHandle = items[0].Handle, Times = FaultRule.Unlimited });
        PartUploadClient sut = CreateClient(o => { o.MaxConcurrency = 1; o.SingleShotThreshold = 5 * MiB; });
        await sut.UploadBatchAsync(Batch(items[..1]), Options());
        Emulator.Faults.Clear();
        await File.AppendAllTextAsync(items[0].Path, "appended");

        BatchUploadResult rerun = await sut.UploadBatchAsync(Batch(items), Options());

        rerun.Failures.Single().Error.ShouldBeOfType<SourceChangedException>().ErrorCode.ShouldBe(PartUploadErrorCodes.SourceChanged);
        ShouldHaveStored(items[1].Handle, items[1].Data);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task UploadBatchAsync_SinglePutStoredButNotRecorded_ComparedWithTheStoredBlob(bool same)
    {
        (string Handle, byte[] Data, string Path)[] items = MakeItems(("put", 4000));
        BatchJournal.Open(_journal).RecordStarted(items[0].Handle, items[0].Path);
        PartUploadClient sut = CreateClient();
        await sut.UploadAsync(new MemoryStream(same ? items[0].Data : Data(4000, seed: 99)), Options(items[0].Handle, forceMultipart: false));

        BatchUploadResult rerun = await sut.UploadBatchAsync(Batch(items), Options());

        if (same)
        {
            rerun.Items[0].Result!.Crc32C.ShouldBe(System.IO.Hashing.Crc32.HashToUInt32(System.IO.Hashing.Crc32ParameterSet.Crc32C, items[0].Data));
        }
        else
        {
            rerun.Items[0].Error.ShouldBeOfType<BlobAlreadyExistsException>("the stored blob is not this file's");
        }
    }

    private BatchUploadOptions Options() => new() { LayerId = BlobEmulatorOptions.DemoVersionedLayerId, JournalDirectory = _journal };

    private static IEnumerable<BatchUploadItem> Batch((string Handle, byte[] Data, string Path)[] items) =>
        items.Select(i => BatchUploadItem.FromFile(i.Path, i.Handle));

    private (string Handle, byte[] Data, string Path)[] MakeItems(params (string Name, long Size)[] specs) =>
        [.. specs.Select((s, i) =>
        {
            byte[] data = Data(s.Size, seed: 200 + i);
            return (NewHandle(s.Name), data, WriteFile(data));
        })];
}
