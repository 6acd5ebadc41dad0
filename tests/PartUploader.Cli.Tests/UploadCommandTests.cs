using System.Text.Json;

namespace PartUploader.Cli.Tests;

public sealed class UploadCommandTests(CliEmulatorFixture fixture) : IClassFixture<CliEmulatorFixture>
{
    private const int MiB = 1024 * 1024;

    // Data above the SDK's SingleShotThreshold (50,000,000 bytes) goes multipart.

    [Fact]
    public async Task Upload_FilePlainOutput_ExitsZeroAndStoresTheFileByteIdentical()
    {
        string path = fixture.WriteFile("plain.bin", 48 * MiB + 3);
        string handle = CliEmulatorFixture.NewHandle("plain");

        CliResult result = await CliRunner.RunAsync(["upload", path, .. fixture.Target(), "--handle", handle, "--part-size", "16MiB", "--concurrency", "2"]);

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Lines[0].ShouldStartWith($"upload: {path} -> {fixture.Emulator.DefaultCatalogHrn} layer {fixture.Emulator.DefaultLayerId} handle {handle}");
        result.Lines.ShouldContain(l => l.StartsWith("progress: ", StringComparison.Ordinal) && l.Contains("(100.0 %), parts 4/4", StringComparison.Ordinal));
        result.Lines[^1].ShouldStartWith($"uploaded: {handle}, {48 * MiB + 3} bytes in 4 parts of 16.0 MiB, 0 retries");
        result.StdErr.ShouldBeEmpty();
        fixture.ReadBlob(handle).ShouldBe(await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task Upload_Json_WritesOneDocumentPerEventEndingWithCompleted()
    {
        string path = fixture.WriteFile("json.bin", 50 * MiB, seed: 11);
        string handle = CliEmulatorFixture.NewHandle("json");

        CliResult result = await CliRunner.RunAsync(["upload", path, .. fixture.Target(), "--handle", handle, "--part-size", "20MiB", "--digest", "sha256", "--json"]);

        result.ExitCode.ShouldBe(0, result.ToString());
        JsonElement[] events = result.Lines.Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToArray();
        events[0].GetProperty("event").GetString().ShouldBe("started");
        events[0].GetProperty("handle").GetString().ShouldBe(handle);
        events[0].GetProperty("totalBytes").GetInt64().ShouldBe(50 * MiB);
        events[0].GetProperty("pid").GetInt32().ShouldBeGreaterThan(0);

        JsonElement[] progress = events.Where(e => e.GetProperty("event").GetString() == "progress").ToArray();
        progress.ShouldNotBeEmpty();
        long[] acknowledged = progress.Select(e => e.GetProperty("bytesAcknowledged").GetInt64()).ToArray();
        acknowledged.ShouldBe(acknowledged.Order().ToArray(), "acknowledged bytes never go back");
        acknowledged[^1].ShouldBe(50 * MiB);
        progress[^1].GetProperty("totalParts").GetInt32().ShouldBe(3);

        JsonElement completed = events[^1];
        completed.GetProperty("event").GetString().ShouldBe("completed");
        completed.GetProperty("size").GetInt64().ShouldBe(50 * MiB);
        completed.GetProperty("parts").GetInt32().ShouldBe(3);
        completed.GetProperty("multipart").GetBoolean().ShouldBeTrue();
        completed.GetProperty("crc32c").GetString()!.Length.ShouldBe(8);
        fixture.ReadBlob(handle).ShouldBe(await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task Upload_StandardInput_StoresWhatWasPiped()
    {
        var data = new byte[6 * MiB + 123];
        new Random(5).NextBytes(data);
        string handle = CliEmulatorFixture.NewHandle("stdin");

        CliResult result = await CliRunner.RunAsync(["upload", "-", .. fixture.Target(), "--handle", handle], stdin: data);

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Lines[0].ShouldContain("unknown size");
        fixture.ReadBlob(handle).ShouldBe(data);
    }

    [Fact]
    public async Task Upload_DefaultHandle_IsTheFileName()
    {
        string name = CliEmulatorFixture.NewHandle("named") + ".bin";
        string path = fixture.WriteFile(name, 1000);

        CliResult result = await CliRunner.RunAsync(["upload", path, .. fixture.Target()]);

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Lines[^1].ShouldStartWith($"uploaded: {name}, 1000 bytes in a single request");
        fixture.ReadBlob(name).ShouldBe(await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task Upload_HandleAlreadyHoldsABlob_ExitsFourWithTheServiceError()
    {
        string path = fixture.WriteFile("twice.bin", 2000);
        string handle = CliEmulatorFixture.NewHandle("twice");
        (await CliRunner.RunAsync(["upload", path, .. fixture.Target(), "--handle", handle])).ExitCode.ShouldBe(0);

        CliResult result = await CliRunner.RunAsync(["upload", path, .. fixture.Target(), "--handle", handle, "--json"]);

        result.ExitCode.ShouldBe(4, result.ToString());
        JsonElement failed = JsonDocument.Parse(result.Lines[^1]).RootElement;
        failed.GetProperty("event").GetString().ShouldBe("failed");
        failed.GetProperty("exitCode").GetInt32().ShouldBe(4);
        failed.GetProperty("error").GetString().ShouldBe("service");
        failed.GetProperty("status").GetInt32().ShouldBe(409);
        result.StdErr.ShouldContain("partupload: service:");
    }

    [Fact]
    public async Task Status_ExistingAndMissingBlob_ExitZeroAndSix()
    {
        string path = fixture.WriteFile("status.bin", 100);
        string handle = CliEmulatorFixture.NewHandle("status");
        (await CliRunner.RunAsync(["upload", path, .. fixture.Target(), "--handle", handle])).ExitCode.ShouldBe(0);

        CliResult exists = await CliRunner.RunAsync(["status", .. fixture.Target(), "--handle", handle]);
        CliResult missing = await CliRunner.RunAsync(["status", .. fixture.Target(), "--handle", handle + "-missing", "--json"]);

        exists.ExitCode.ShouldBe(0, exists.ToString());
        exists.StdOut.Trim().ShouldBe($"exists: {fixture.Emulator.DefaultCatalogHrn} layer {fixture.Emulator.DefaultLayerId} handle {handle}");
        missing.ExitCode.ShouldBe(6, missing.ToString());
        JsonElement status = JsonDocument.Parse(missing.StdOut).RootElement;
        status.GetProperty("event").GetString().ShouldBe("status");
        status.GetProperty("exists").GetBoolean().ShouldBeFalse();
    }
}
