using System.Diagnostics;
using System.Text.Json;
using PartUploader.Emulator;

namespace PartUploader.Cli.Tests;

/// <summary><c>partupload emulator</c> as a user runs it: in the foreground, until SIGTERM.</summary>
public sealed class EmulatorCommandTests(CliEmulatorFixture fixture) : IClassFixture<CliEmulatorFixture>
{
    private const int MiB = 1024 * 1024;

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
        string err = await stderr;
        err.ShouldContain("stopping the emulator");
        err.ShouldNotContain("cancelling", customMessage: "the upload's Ctrl+C message is not the emulator's");
        err.ShouldContain("emulator stopped");
    }
}
