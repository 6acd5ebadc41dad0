using System.Diagnostics;
using System.Text.Json;
using PartUploader.Emulator;

namespace PartUploader.Cli.Tests;

/// <summary>An emulator that takes at most 2 MB/s per connection, so an upload runs long enough to cancel.</summary>
public sealed class SlowEmulatorFixture : CliEmulatorFixture
{
    protected override BlobEmulatorOptions CreateOptions() => new() { BandwidthBytesPerSecondPerConnection = 2_000_000 };
}

public sealed class CancelAndEmulatorTests(SlowEmulatorFixture fixture) : IClassFixture<SlowEmulatorFixture>
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task Cancel_RunningUpload_CancelsItOnTheServerAndTheUploadExitsFive()
    {
        string path = fixture.WriteFile("slow.bin", 60 * MiB, seed: 3);
        string handle = CliEmulatorFixture.NewHandle("cancel");
        using Process upload = CliRunner.Start(["upload", path, .. fixture.Target(), "--handle", handle, "--part-size", "5MiB", "--concurrency", "1", "--json"]);
        Task<string> stderr = upload.StandardError.ReadToEndAsync();

        // Wait until the upload is under way (the CLI reports part bytes sent), then cancel it from another process.
        string started = (await upload.StandardOutput.ReadLineAsync())!;
        int pid = JsonDocument.Parse(started).RootElement.GetProperty("pid").GetInt32();
        pid.ShouldBe(upload.Id);
        await ReadUntilAsync(upload.StandardOutput, e => e.GetProperty("event").GetString() == "progress" && e.GetProperty("bytesSent").GetInt64() > 0);

        CliResult cancel = await CliRunner.RunAsync(["cancel", "--pid", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        string rest = await upload.StandardOutput.ReadToEndAsync();
        await upload.WaitForExitAsync();

        cancel.ExitCode.ShouldBe(0, cancel.ToString());
        cancel.StdOut.ShouldContain("cancelled its upload and exited");
        upload.ExitCode.ShouldBe(5, rest + await stderr);
        string[] lines = rest.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        JsonElement failed = JsonDocument.Parse(lines[^1]).RootElement;
        failed.GetProperty("event").GetString().ShouldBe("failed");
        failed.GetProperty("error").GetString().ShouldBe("cancelled");
        failed.GetProperty("exitCode").GetInt32().ShouldBe(5);
        fixture.Emulator.Uploads.Single(u => u.DataHandle == handle).State.ShouldBe(UploadState.Cancelled);
        fixture.Emulator.GetBlob(fixture.Emulator.DefaultLayerId, handle).ShouldBeNull();
    }

    [Fact]
    public async Task Cancel_UploadWaitingOnStandardInput_ExitsFivePromptly()
    {
        string handle = CliEmulatorFixture.NewHandle("stdin-cancel");
        using Process upload = CliRunner.Start(["upload", "-", .. fixture.Target(), "--handle", handle, "--json"], redirectInput: true);
        Task<string> stderr = upload.StandardError.ReadToEndAsync();
        string started = (await upload.StandardOutput.ReadLineAsync())!;
        int pid = JsonDocument.Parse(started).RootElement.GetProperty("pid").GetInt32();
        await upload.StandardInput.BaseStream.WriteAsync(new byte[1024 * 1024]);
        await upload.StandardInput.BaseStream.FlushAsync();

        // Standard input stays open: the upload is blocked reading it when it is cancelled.
        var clock = Stopwatch.StartNew();
        CliResult cancel = await CliRunner.RunAsync(["cancel", "--pid", pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json"]);
        string rest = await upload.StandardOutput.ReadToEndAsync();
        await upload.WaitForExitAsync();

        cancel.ExitCode.ShouldBe(0, cancel.ToString());
        JsonDocument.Parse(cancel.StdOut).RootElement.GetProperty("exited").GetBoolean().ShouldBeTrue();
        upload.ExitCode.ShouldBe(5, rest + await stderr);
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30));
        fixture.Emulator.GetBlob(fixture.Emulator.DefaultLayerId, handle).ShouldBeNull();
    }

    [Fact]
    public async Task Cancel_NoSuchProcess_ExitsTwo()
    {
        CliResult result = await CliRunner.RunAsync(["cancel", "--pid", "999999"]);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.StdErr.ShouldContain("No process 999999");
    }

    [Fact]
    public async Task Emulator_RunsInTheForeground_ServesAnUploadAndStopsOnSigterm()
    {
        using Process emulator = CliRunner.Start(["emulator", "--json"]);
        Task<string> stderr = emulator.StandardError.ReadToEndAsync();
        JsonElement info = JsonDocument.Parse((await emulator.StandardOutput.ReadLineAsync())!).RootElement;
        try
        {
            info.GetProperty("event").GetString().ShouldBe("emulator");
            string lookup = info.GetProperty("lookupUrl").GetString()!;
            new Uri(lookup).Host.ShouldBe("127.0.0.1");
            info.GetProperty("blobUrl").GetString()!.ShouldContain("/blobstore/v1/catalogs/");
            info.GetProperty("tokenUrl").GetString()!.ShouldEndWith("/oauth2/token");
            string credentials = info.GetProperty("credentialsFile").GetString()!;
            File.Exists(credentials).ShouldBeTrue();

            string path = fixture.WriteFile("via-cli-emulator.bin", 7 * MiB, seed: 9);
            CliResult upload = await CliRunner.RunAsync(
            [
                "upload", path,
                "--catalog", info.GetProperty("catalog").GetString()!,
                "--layer", info.GetProperty("layer").GetString()!,
                "--credentials", credentials,
                "--lookup-url", lookup,
                "--handle", "via-cli-emulator",
            ]);
            upload.ExitCode.ShouldBe(0, upload.ToString());

            CliResult status = await CliRunner.RunAsync(
            [
                "status",
                "--catalog", info.GetProperty("catalog").GetString()!,
                "--layer", info.GetProperty("layer").GetString()!,
                "--credentials", credentials,
                "--lookup-url", lookup,
                "--handle", "via-cli-emulator",
            ]);
            status.ExitCode.ShouldBe(0, status.ToString());
        }
        finally
        {
            using Process term = Process.Start("kill", ["-TERM", emulator.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await term.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await emulator.WaitForExitAsync(timeout.Token);
        emulator.ExitCode.ShouldBe(0, await stderr);
        (await stderr).ShouldContain("emulator stopped");
    }

    /// <summary>Reads the child's JSON lines until one matches: waits on what the process reports, not on a timer.</summary>
    private static async Task ReadUntilAsync(StreamReader output, Func<JsonElement, bool> match)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            string? line;
            try
            {
                line = await output.ReadLineAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("the upload did not report sending part bytes within 60 s");
            }

            line.ShouldNotBeNull("the upload ended before it reported sending part bytes");
            if (match(JsonDocument.Parse(line).RootElement))
            {
                return;
            }
        }
    }
}
