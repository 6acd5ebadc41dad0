using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
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

    [Fact]
    public async Task Emulator_Https_PrintsTheCertificateAndServesAnUploadThatTrustsIt()
    {
        string pemPath = Path.Combine(fixture.WorkDirectory, "https-emulator", "cert.pem");
        using Process emulator = CliRunner.Start(["emulator", "--https", "--certificate-file", pemPath, "--json"]);
        Task<string> stderr = emulator.StandardError.ReadToEndAsync();
        string? line = await emulator.StandardOutput.ReadLineAsync();
        try
        {
            if (line is null)
            {
                throw new ShouldAssertException("the emulator printed nothing: " + await StopAsync(emulator, stderr));
            }

            JsonElement info = JsonDocument.Parse(line).RootElement;
            string lookup = info.GetProperty("lookupUrl").GetString()!;
            new Uri(lookup).Scheme.ShouldBe("https");
            new Uri(lookup).Host.ShouldBe("127.0.0.1");
            info.GetProperty("certificateFile").GetString().ShouldBe(pemPath);
            var pem = new X509Certificate2Collection();
            pem.ImportFromPemFile(pemPath);
            using X509Certificate2 certificate = pem.ShouldHaveSingleItem();
            certificate.HasPrivateKey.ShouldBeFalse();
            info.GetProperty("certificateSha256").GetString().ShouldBe(certificate.GetCertHashString(HashAlgorithmName.SHA256));
            (await File.ReadAllTextAsync(pemPath)).ShouldNotContain("PRIVATE KEY");

            string path = fixture.WriteFile("via-cli-emulator-https.bin", 1000, seed: 10);
            CliResult upload = await CliRunner.RunAsync(
            [
                "upload", path,
                "--catalog", info.GetProperty("catalog").GetString()!,
                "--layer", info.GetProperty("layer").GetString()!,
                "--credentials", info.GetProperty("credentialsFile").GetString()!,
                "--lookup-url", lookup,
                "--trust-certificate", pemPath,
            ]);
            upload.ExitCode.ShouldBe(0, upload.ToString());
        }
        finally
        {
            await StopAsync(emulator, stderr);
        }

        emulator.ExitCode.ShouldBe(0, await stderr);
    }

    [Fact]
    public async Task Emulator_CertificateFileWithoutHttps_ExitsTwo()
    {
        CliResult result = await CliRunner.RunAsync(["emulator", "--certificate-file", Path.Combine(fixture.WorkDirectory, "plain.pem")]);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.StdErr.ShouldContain("--certificate-file needs --https");
    }

    private static async Task<string> StopAsync(Process emulator, Task<string> stderr)
    {
        if (!emulator.HasExited)
        {
            using Process term = Process.Start("kill", ["-TERM", emulator.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await term.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await emulator.WaitForExitAsync(timeout.Token);
        return await stderr;
    }
}
