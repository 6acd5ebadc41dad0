using System.Text.Json;

namespace PartUploader.Cli.Tests;

/// <summary>A source file changed under a running upload is bad input (exit 2), whether it grew, was rewritten or shrank.</summary>
public sealed class SourceChangeTests(SlowEmulatorFixture fixture) : IClassFixture<SlowEmulatorFixture>
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task Upload_FileTruncatedDuringUpload_ExitsTwoAndCancelsOnTheServer()
    {
        string handle = CliEmulatorFixture.NewHandle("truncated");
        string path = fixture.WriteFile(handle + ".bin", 60 * MiB, seed: 8);
        using RunningUpload upload = await RunningUpload.StartAsync(["upload", path, .. fixture.Target(), "--handle", handle, "--part-size", "5MiB", "--concurrency", "1", "--json"]);

        await using (var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            file.SetLength(7 * MiB);
        }

        (int exit, JsonElement failed) = await upload.EndAsync();

        exit.ShouldBe(2, failed.ToString());
        failed.GetProperty("error").GetString().ShouldBe("bad-input");
        failed.GetProperty("errorCode").GetString().ShouldBeOneOf("SourceTooShort", "SourceChanged");
        failed.GetProperty("cancelledOnServer").GetBoolean().ShouldBeTrue();
        fixture.Emulator.GetBlob(fixture.Emulator.DefaultLayerId, handle).ShouldBeNull();
    }
}
