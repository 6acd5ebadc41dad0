using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using PartUploader.Emulator;

namespace PartUploader.Cli.Tests;

/// <summary>An emulator that takes at most 2 MB/s per connection, so an upload runs long enough to cancel.</summary>
public sealed class SlowEmulatorFixture : CliEmulatorFixture
{
    protected override BlobEmulatorOptions CreateOptions() => new() { BandwidthBytesPerSecondPerConnection = 2_000_000 };
}

/// <summary>
/// <c>partupload cancel</c> reaches a running upload only through its control socket: it never signals a process,
/// so a pid that is not a running upload of this user is refused (exit 2) and nothing else is touched.
/// </summary>
public sealed class CancelTests(SlowEmulatorFixture fixture) : IClassFixture<SlowEmulatorFixture>
{
    private const int MiB = 1024 * 1024;

    [Theory]
    [InlineData("pid")]
    [InlineData("handle")]
    [InlineData("journal")]
    public async Task Cancel_RunningUpload_CancelsItOnTheServerAndBothReportIt(string selector)
    {
        string handle = CliEmulatorFixture.NewHandle("cancel-" + selector);
        string journal = Path.Combine(fixture.WorkDirectory, handle + ".journal");
        string path = fixture.WriteFile(handle + ".bin", 60 * MiB, seed: 3);
        using RunningUpload upload = await RunningUpload.StartAsync(["upload", path, .. fixture.Target(), "--handle", handle, "--part-size", "5MiB", "--concurrency", "1", "--resume", journal, "--json"]);
        string[] by = selector switch
        {
            "pid" => ["--pid", upload.Pid.ToString(CultureInfo.InvariantCulture)],
            "handle" => ["--handle", handle, "--layer", fixture.Emulator.DefaultLayerId],
            _ => ["--journal", journal],
        };

        CliResult cancel = await CliRunner.RunAsync(["cancel", .. by, "--json"]);
        (int exit, JsonElement failed) = await upload.EndAsync();

        cancel.ExitCode.ShouldBe(0, cancel.ToString());
        JsonElement answer = JsonDocument.Parse(cancel.Lines.Single()).RootElement;
        answer.GetProperty("cancelledOnServer").GetBoolean().ShouldBeTrue(cancel.ToString());
        UploadRecord record = fixture.Emulator.Uploads.Single(u => u.DataHandle == handle);
        answer.GetProperty("uploadId").GetString().ShouldBe(record.UploadId);
        exit.ShouldBe(5);
        failed.GetProperty("error").GetString().ShouldBe("cancelled");
        failed.GetProperty("cancelledOnServer").GetBoolean().ShouldBeTrue();
        failed.GetProperty("uploadId").GetString().ShouldBe(record.UploadId);
        failed.GetProperty("message").GetString()!.ShouldContain("was cancelled on the server");
        record.State.ShouldBe(UploadState.Cancelled);
        fixture.Emulator.GetBlob(fixture.Emulator.DefaultLayerId, handle).ShouldBeNull();
    }

    [Fact]
    public async Task Cancel_ServerRefusesTheCancel_BothSayTheUploadWasNotCancelledAndNameIt()
    {
        string handle = CliEmulatorFixture.NewHandle("cancel-refused");
        string path = fixture.WriteFile(handle + ".bin", 60 * MiB, seed: 4);
        FaultRule refuse = fixture.Emulator.Faults.Add(FaultRule.Status(403) with { Operation = EmulatorOperation.CancelMultipart, DataHandle = handle, Times = FaultRule.Unlimited });
        try
        {
            using RunningUpload upload = await RunningUpload.StartAsync(["upload", path, .. fixture.Target(), "--handle", handle, "--part-size", "5MiB", "--concurrency", "1", "--json"]);

            CliResult cancel = await CliRunner.RunAsync(["cancel", "--pid", upload.Pid.ToString(CultureInfo.InvariantCulture)]);
            (int exit, JsonElement failed) = await upload.EndAsync();

            UploadRecord record = fixture.Emulator.Uploads.Single(u => u.DataHandle == handle);
            record.State.ShouldBe(UploadState.Open, "the emulator refused the cancel");
            cancel.ExitCode.ShouldBe(4, cancel.ToString());
            cancel.StdOut.ShouldContain("could NOT be cancelled on the server");
            cancel.StdOut.ShouldContain(record.UploadId);
            exit.ShouldBe(5);
            failed.GetProperty("cancelledOnServer").GetBoolean().ShouldBeFalse();
            failed.GetProperty("uploadId").GetString().ShouldBe(record.UploadId);
            failed.GetProperty("message").GetString()!.ShouldContain("could NOT be cancelled on the server");
            failed.GetProperty("message").GetString()!.ShouldNotContain("was cancelled on the server");
        }
        finally
        {
            fixture.Emulator.Faults.Remove(refuse);
        }
    }

    [Fact]
    public async Task Cancel_UploadWaitingOnStandardInput_ExitsFivePromptly()
    {
        string handle = CliEmulatorFixture.NewHandle("stdin-cancel");
        using Process upload = CliRunner.Start(["upload", "-", .. fixture.Target(), "--handle", handle, "--json"], redirectInput: true);
        Task<string> stderr = upload.StandardError.ReadToEndAsync();
        int pid = JsonDocument.Parse((await upload.StandardOutput.ReadLineAsync())!).RootElement.GetProperty("pid").GetInt32();
        await upload.StandardInput.BaseStream.WriteAsync(new byte[1024 * 1024]);
        await upload.StandardInput.BaseStream.FlushAsync();

        // Standard input stays open: the upload is blocked reading it when it is cancelled.
        CliResult cancel = await CliRunner.RunAsync(["cancel", "--pid", pid.ToString(CultureInfo.InvariantCulture), "--json"], timeout: TimeSpan.FromSeconds(30));
        string rest = await upload.StandardOutput.ReadToEndAsync();
        await upload.WaitForExitAsync();

        cancel.ExitCode.ShouldBe(0, cancel.ToString());
        JsonDocument.Parse(cancel.StdOut).RootElement.GetProperty("ended").GetBoolean().ShouldBeTrue();
        upload.ExitCode.ShouldBe(5, rest + await stderr);
        fixture.Emulator.GetBlob(fixture.Emulator.DefaultLayerId, handle).ShouldBeNull();
    }

    [Fact]
    public async Task Cancel_PidThatIsNoUpload_ExitsTwoAndSignalsNothing()
    {
        // A sentinel in this test's own process group, and a running .NET process that is not an upload.
        using Process sentinel = Process.Start(new ProcessStartInfo("sleep", "120") { UseShellExecute = false })!;
        using Process emulator = CliRunner.Start(["emulator", "--json"]);
        Task<string> emulatorErr = emulator.StandardError.ReadToEndAsync();
        (await emulator.StandardOutput.ReadLineAsync()).ShouldNotBeNull();
        try
        {
            foreach (string pid in (string[])["0", "-1", "1", sentinel.Id.ToString(CultureInfo.InvariantCulture), emulator.Id.ToString(CultureInfo.InvariantCulture), "999999"])
            {
                CliResult result = await CliRunner.RunAsync(["cancel", "--pid", pid]);

                result.ExitCode.ShouldBe(2, $"--pid {pid}: {result}");
                result.StdErr.ShouldContain("partupload: bad-input:");
                result.StdErr.ShouldNotContain("   at ", customMessage: "no stack trace");
                sentinel.HasExited.ShouldBeFalse($"--pid {pid} must not touch the sentinel");
                emulator.HasExited.ShouldBeFalse($"--pid {pid} must not touch the emulator");
            }
        }
        finally
        {
            sentinel.Kill();
            emulator.Kill();
            await emulator.WaitForExitAsync();
            _ = await emulatorErr;
        }
    }

    [Theory]
    [InlineData(new string[0], "exactly one of --pid, --journal or --handle")]
    [InlineData(new[] { "--pid", "5", "--handle", "x" }, "exactly one of --pid, --journal or --handle")]
    [InlineData(new[] { "--layer", "versioned" }, "exactly one of")]
    [InlineData(new[] { "--handle", "no-such-upload" }, "No running 'partupload upload' of this user matches --handle no-such-upload")]
    public async Task Cancel_NoOrAmbiguousSelector_ExitsTwo(string[] args, string message)
    {
        CliResult result = await CliRunner.RunAsync(["cancel", .. args]);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.StdErr.ShouldContain(message);
    }
}
