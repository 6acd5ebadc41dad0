using System.Text.Json;
using PartUploader.Emulator;

namespace PartUploader.Cli.Tests;

/// <summary><c>--time-limit</c>: a passed limit exits with 4 and says what was left on the server.</summary>
public sealed class TimeLimitCommandTests(CliEmulatorFixture fixture) : IClassFixture<CliEmulatorFixture>
{
    [Fact]
    public async Task Upload_AnswerHeldBeyondTheTimeLimit_ExitsFourWithTimeLimitExceeded()
    {
        string path = fixture.WriteFile("held.bin", 64 * 1024);
        string handle = CliEmulatorFixture.NewHandle("held");
        FaultRule hold = fixture.Emulator.Faults.Add(FaultRule.DelayResponse(Timeout.InfiniteTimeSpan) with { Operation = EmulatorOperation.PutBlob, DataHandle = handle });
        try
        {
            CliResult result = await CliRunner.RunAsync(["upload", path, .. fixture.Target(), "--handle", handle, "--time-limit", "1s", "--json"]);

            result.ExitCode.ShouldBe(4, result.ToString());
            JsonElement failed = JsonDocument.Parse(result.Lines[^1]).RootElement;
            failed.GetProperty("event").GetString().ShouldBe("failed");
            failed.GetProperty("errorCode").GetString().ShouldBe("TimeLimitExceeded");
            // The emulator takes the PUT, then holds its answer: the blob may be stored though the client never heard so.
            failed.GetProperty("message").GetString()!.ShouldContain("did not finish within its time limit of 1 s (PartUploadOptions.TimeLimit); no multipart upload had been started; a single PUT in flight may still have stored the blob");
            fixture.Emulator.Uploads.ShouldNotContain(u => u.DataHandle == handle, "no multipart upload was started for a 64 KiB file");
        }
        finally
        {
            fixture.Emulator.Faults.Remove(hold);
        }
    }
}
