using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using PartUploader.Emulator;
using Xunit.Abstractions;

namespace PartUploader.IntegrationTests.EndToEnd;

/// <summary>
/// Crash-safe resume: a child process uploads with a journal and is killed (no cleanup) at many
/// points; each interrupted upload is resumed from its journal and must end byte-identical, re-sending
/// at most the parts that were in flight, never reusing a part number.
/// </summary>
public sealed class CrashResumeTests(EmulatorFixture fixture, ITestOutputHelper output) : EmulatorTestBase(fixture), IClassFixture<EmulatorFixture>
{
    private const int Parts = 24;
    private const int Concurrency = 4;

    /// <summary>Kill after this many acknowledged parts; 24 means after every part was acknowledged (before or during complete).</summary>
    public static TheoryData<int> KillPoints() => new() { 1, 2, 3, 5, 8, 11, 14, 17, 20, 23, 24 };

    [Theory]
    [MemberData(nameof(KillPoints))]
    public async Task ResumeAsync_AfterTheUploaderWasKilled_CompletesByteIdentical(int killAfterAcks)
    {
        byte[] data = Data((Parts - 1) * 5 * MiB + 12345, seed: 900 + killAfterAcks);
        string file = WriteFile(data);
        string handle = NewHandle("crash");
        string journal = Path.Combine(Path.GetDirectoryName(file)!, handle + ".journal");
        string token = Emulator.IssueAccessToken();

        int exit = await RunChildUntilAckAsync(token, file, handle, journal, killAfterAcks);
        string journalText = File.ReadAllText(journal);
        int acknowledgedInJournal = JsonDocument.Parse(journalText).RootElement.GetProperty("acknowledged").GetArrayLength();

        journalText.ShouldNotContain(token, Case.Sensitive, "the journal must hold no bearer token");
        acknowledgedInJournal.ShouldBeGreaterThanOrEqualTo(Math.Min(killAfterAcks, Parts));
        PartUploadOptions options = Options(handle);
        options.JournalPath = journal;
        PartUploadResult result = await CreateClient(o => o.MaxConcurrency = Concurrency).ResumeAsync(file, options);

        ShouldHaveStored(handle, data);
        ShouldNeverReuseNumbers(handle);
        UploadOf(handle).State.ShouldBe(UploadState.Completed);
        File.Exists(journal).ShouldBeFalse("the journal is deleted on success");
        result.PartCount.ShouldBe(Parts);
        // The interrupted run sent first attempts only (numbers 1..24); every number of the resumed run is above them.
        int sentBeforeResume = UploadOf(handle).PartNumbersReceived.Count(n => n <= Parts);
        int sentOnResume = UploadOf(handle).PartNumbersReceived.Count(n => n > Parts);
        sentOnResume.ShouldBe(Parts - acknowledgedInJournal, "only the parts not acknowledged are sent again");
        int resent = sentBeforeResume - acknowledgedInJournal;
        resent.ShouldBeLessThanOrEqualTo(Concurrency, "at most the parts in flight at the kill are sent twice");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"kill after {killAfterAcks} acks (child exit {exit}): journal had {acknowledgedInJournal}, sent before {sentBeforeResume}, on resume {sentOnResume}, re-sent {resent} parts ({resent * 5} MiB)"));
    }

    [Fact]
    public async Task ResumeAsync_FileChangedSinceTheCrash_ThrowsSourceChanged()
    {
        byte[] data = Data(12 * 5 * MiB, seed: 950);
        string file = WriteFile(data);
        string handle = NewHandle("changed");
        string journal = Path.Combine(Path.GetDirectoryName(file)!, handle + ".journal");
        await RunChildUntilAckAsync(Emulator.IssueAccessToken(), file, handle, journal, killAfterAcks: 2);
        using (var stream = new FileStream(file, FileMode.Open, FileAccess.Write))
        {
            stream.Position = 10;
            stream.WriteByte(0x5A);
        }

        PartUploadOptions options = Options(handle);
        options.JournalPath = journal;
        SourceChangedException ex = await Should.ThrowAsync<SourceChangedException>(() => CreateClient().ResumeAsync(file, options));

        ex.ErrorCode.ShouldBe("SourceChanged");
        UploadOf(handle).PartNumbersReceived.Count.ShouldBeLessThanOrEqualTo(12, "nothing is sent for a changed source");
    }

    private Task<int> RunChildUntilAckAsync(string token, string file, string handle, string journal, int killAfterAcks) =>
        CrashChildProcess.RunUntilAsync(
            [Emulator.GetBlobBaseUrl().AbsoluteUri, token, file, handle, journal, (5 * MiB).ToString(CultureInfo.InvariantCulture), Concurrency.ToString(CultureInfo.InvariantCulture)],
            $"ACK {killAfterAcks}");
}
