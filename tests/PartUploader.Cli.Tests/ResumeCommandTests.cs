using PartUploader.Emulator;

namespace PartUploader.Cli.Tests;

public sealed class ResumeCommandTests(CliEmulatorFixture fixture) : IClassFixture<CliEmulatorFixture>
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task Upload_ResumeJournalOfNewUpload_CompletesAndDeletesTheJournal()
    {
        string path = fixture.WriteFile("journaled.bin", 52 * MiB, seed: 21);
        string handle = CliEmulatorFixture.NewHandle("journaled");
        string journal = Path.Combine(fixture.WorkDirectory, handle + ".journal");

        CliResult result = await CliRunner.RunAsync(["upload", path, .. fixture.Target(), "--handle", handle, "--part-size", "16MiB", "--resume", journal]);

        result.ExitCode.ShouldBe(0, result.ToString());
        File.Exists(journal).ShouldBeFalse();
        fixture.ReadBlob(handle).ShouldBe(await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task Upload_ResumeExistingJournal_SendsOnlyTheMissingParts()
    {
        string path = fixture.WriteFile("interrupted.bin", 4 * 16 * MiB, seed: 22);
        string handle = CliEmulatorFixture.NewHandle("interrupted");
        string journal = Path.Combine(fixture.WorkDirectory, handle + ".journal");
        await InterruptAfterTwoPartsAsync(path, handle, journal);
        File.Exists(journal).ShouldBeTrue("the interrupted upload left its journal");

        CliResult result = await CliRunner.RunAsync(["upload", path, .. fixture.Target(), "--handle", handle, "--part-size", "16MiB", "--concurrency", "1", "--resume", journal, "--json"]);

        result.ExitCode.ShouldBe(0, result.ToString());
        fixture.ReadBlob(handle).ShouldBe(await File.ReadAllBytesAsync(path));
        System.Text.Json.JsonElement completed = System.Text.Json.JsonDocument.Parse(result.Lines[^1]).RootElement;
        completed.GetProperty("event").GetString().ShouldBe("completed");
        completed.GetProperty("resumedParts").GetInt32().ShouldBe(2);
        completed.GetProperty("resumedBytes").GetInt64().ShouldBe(2 * 16 * MiB);

        // The rate counts this run's bytes only: the two parts it sent, over its own time.
        double seconds = completed.GetProperty("elapsedSeconds").GetDouble();
        double thisRun = 2 * 16 * MiB / 1e6 / seconds;
        completed.GetProperty("megabytesPerSecond").GetDouble().ShouldBeLessThan((thisRun * 1.05) + 0.05);
        UploadRecord upload = fixture.Emulator.Uploads.Single(u => u.DataHandle == handle);
        upload.State.ShouldBe(UploadState.Completed);
        upload.PartNumbersReceived.Count(n => n > 4).ShouldBe(2, "only the two parts not acknowledged are sent on resume");
        upload.PartNumbersReceived.Distinct().Count().ShouldBe(upload.PartNumbersReceived.Count);
    }

    [Fact]
    public async Task Upload_ResumeCorruptJournal_ExitsTwo()
    {
        string path = fixture.WriteFile("corrupt.bin", 1 * MiB, seed: 23);
        string journal = Path.Combine(fixture.WorkDirectory, "corrupt.journal");
        await File.WriteAllTextAsync(journal, "{ not json");

        CliResult result = await CliRunner.RunAsync(["upload", path, .. fixture.Target(), "--handle", CliEmulatorFixture.NewHandle("corrupt"), "--resume", journal]);

        result.ExitCode.ShouldBe(2, result.ToString());
    }

    [Fact]
    public async Task Upload_ResumeFromStandardInput_ExitsTwo()
    {
        CliResult result = await CliRunner.RunAsync(["upload", "-", .. fixture.Target(), "--handle", "x", "--resume", "x.journal"], stdin: [1, 2, 3]);

        result.ExitCode.ShouldBe(2, result.ToString());
    }

    /// <summary>Uploads two of four parts, then fails with the server-side cancel refused, so the journal stays and the upload stays open.</summary>
    private async Task InterruptAfterTwoPartsAsync(string path, string handle, string journal)
    {
        BlobEmulator emulator = fixture.Emulator;
        FaultRule partFault = emulator.Faults.Add(FaultRule.Status(403) with { Operation = EmulatorOperation.UploadPart, PartNumber = 3, DataHandle = handle });
        FaultRule cancelFault = emulator.Faults.Add(FaultRule.Status(403) with { Operation = EmulatorOperation.CancelMultipart, DataHandle = handle, Times = FaultRule.Unlimited });
        try
        {
            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            var options = new PartUploadClientOptions { BaseUrl = emulator.GetBlobBaseUrl(), PartSize = 16 * MiB, MaxConcurrency = 1 };
            options.Retry.MaxAttempts = 1;
            var client = new PartUploadClient(http, options, AccessTokenSource.FromToken(emulator.IssueAccessToken()));

            await Should.ThrowAsync<PartUploadException>(() => client.UploadAsync(path, new PartUploadOptions
            {
                LayerId = emulator.DefaultLayerId,
                DataHandle = handle,
                JournalPath = journal,
            }));
        }
        finally
        {
            emulator.Faults.Remove(partFault);
            emulator.Faults.Remove(cancelFault);
        }
    }
}
