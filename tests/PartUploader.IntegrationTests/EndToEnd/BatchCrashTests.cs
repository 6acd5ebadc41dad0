using System.Diagnostics;
using System.Globalization;
using PartUploader.Emulator;
using Xunit.Abstractions;

namespace PartUploader.IntegrationTests.EndToEnd;

/// <summary>
/// A batch with a journal is killed (no cleanup) at several points, then run again in-process: every file ends
/// byte-identical, no completed item is started again, no number reused, and a multipart upload is started a second
/// time only when the kill came while its start call was in flight (before its journal could exist).
/// </summary>
public sealed class BatchCrashTests(EmulatorFixture fixture, ITestOutputHelper output) : EmulatorTestBase(fixture), IClassFixture<EmulatorFixture>
{
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(7)]
    public async Task UploadBatchAsync_RunAgainAfterTheProcessWasKilled_EveryFileStoredOnceByteIdentical(int killAfterItems)
    {
        string root = Directory.CreateTempSubdirectory("partuploader-batch-crash-").FullName;
        try
        {
            string tree = Path.Combine(root, "tree");
            string journal = Path.Combine(root, "journal");
            var files = new Dictionary<string, byte[]>
            {
                ["a-large-1.bin"] = Data(40 * MiB, seed: 1),
                ["a-large-2.bin"] = Data(40 * MiB + 777, seed: 2),
            };
            for (int i = 0; i < 8; i++)
            {
                files[$"small/s{i}.bin"] = Data(100 * 1024 + i, seed: 10 + i);
            }

            foreach ((string relative, byte[] data) in files)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(tree, relative))!);
                await File.WriteAllBytesAsync(Path.Combine(tree, relative), data);
            }

            string prefix = "k" + killAfterItems + Guid.NewGuid().ToString("N")[..8] + ".";
            await RunChildUntilAsync(tree, journal, prefix, $"ITEM {killAfterItems}");
            string[] recordedBefore = [.. File.ReadAllLines(Path.Combine(journal, "batch.jsonl")).Where(l => l.Contains("\"completed\"", StringComparison.Ordinal))];
            // The child is dead: every request it sent arrived before now. (The emulator journals a request when it has
            // answered it, so the child's last entries may still be added while the rerun runs: select by arrival time.)
            DateTimeOffset killed = TimeProvider.System.GetUtcNow();

            BatchUploadResult rerun = await CreateClient(o => { o.MaxConcurrency = 3; o.SingleShotThreshold = 5 * MiB; }).UploadBatchAsync(
                BatchUploadItem.FromDirectory(tree, new DirectoryUploadOptions { HandlePrefix = prefix }),
                new BatchUploadOptions { LayerId = BlobEmulatorOptions.DemoVersionedLayerId, JournalDirectory = journal });

            rerun.Failed.ShouldBe(0, string.Join("\n", rerun.Failures));
            rerun.Items.Count(i => i.FromJournal).ShouldBe(recordedBefore.Length);
            JournalEntry[] after = [.. Emulator.Journal.Entries.Where(e => e.Timestamp > killed)];
            foreach ((string relative, byte[] data) in files)
            {
                string handle = prefix + relative.Replace('/', '.');
                ShouldHaveStored(handle, data);
                UploadRecord[] uploads = [.. Emulator.Uploads.Where(u => u.DataHandle == handle)];
                uploads.Length.ShouldBeLessThanOrEqualTo(2, $"{handle} was started more than twice");
                if (uploads.Length == 2)
                {
                    // The kill came while the start call was in flight, before its upload journal could be written: the
                    // protocol has no way to find that upload again, so the rerun starts anew. It never carried a part.
                    uploads[0].PartNumbersReceived.ShouldBeEmpty($"{handle} was started again although its first upload had parts");
                    uploads[0].State.ShouldBe(UploadState.Open);
                }
                if (recordedBefore.Any(l => l.Contains($"\"{handle}\"", StringComparison.Ordinal)))
                {
                    after.ShouldNotContain(e => e.Path.EndsWith("/" + handle, StringComparison.Ordinal) || e.Path.EndsWith("/" + handle + "/multiparts", StringComparison.Ordinal), $"{handle} was completed before the kill");
                }

                foreach (UploadRecord upload in uploads)
                {
                    upload.PartNumbersReceived.Distinct().Count().ShouldBe(upload.PartNumbersReceived.Count, $"{handle}: a part number was sent twice");
                }
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"killed after {killAfterItems} items: {recordedBefore.Length} recorded completed, rerun sent {after.Count(e => e.Operation == EmulatorOperation.UploadPart)} parts and {after.Count(e => e.Operation == EmulatorOperation.PutBlob)} PUTs"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private Task<int> RunChildUntilAsync(string tree, string journal, string prefix, string killLine) =>
        CrashChildProcess.RunUntilAsync(["batch", Emulator.GetBlobBaseUrl().AbsoluteUri, Emulator.IssueAccessToken(), tree, journal, prefix, "3"], killLine);
}
