using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace PartUploader.Cli.Tests;

/// <summary><c>--trust-certificate FILE</c>: the CLI trusts exactly the server certificate in the PEM, and a bad file is bad input.</summary>
public sealed class TrustCertificateTests(HttpsCliEmulatorFixture fixture) : IClassFixture<HttpsCliEmulatorFixture>
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task Upload_TrustCertificateOfTheEmulator_StoresTheFileByteIdenticalOverHttps()
    {
        string path = fixture.WriteFile("tls.bin", 12 * MiB + 5, seed: 443);
        string handle = CliEmulatorFixture.NewHandle("tls");

        CliResult result = await CliRunner.RunAsync(
            ["upload", path, .. fixture.Target(), "--handle", handle, "--trust-certificate", fixture.CertificateFile, "--part-size", "5MiB", "--force-multipart"]);

        result.ExitCode.ShouldBe(0, result.ToString());
        fixture.Emulator.ServiceUrl.Scheme.ShouldBe("https");
        result.Lines[^1].ShouldStartWith($"uploaded: {handle}, {12 * MiB + 5} bytes in 3 parts");
        fixture.ReadBlob(handle).ShouldBe(await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task Status_TrustCertificateOfTheEmulator_ReachesTheService()
    {
        CliResult result = await CliRunner.RunAsync(["status", .. fixture.Target(), "--handle", "tls-absent", "--trust-certificate", fixture.CertificateFile]);

        result.ExitCode.ShouldBe(6, result.ToString());
    }

    [Fact]
    public async Task Upload_WithoutTrustCertificate_ExitsFourWithTheTlsErrorAndStoresNothing()
    {
        string path = fixture.WriteFile("untrusted.bin", 1000);
        string handle = CliEmulatorFixture.NewHandle("untrusted");
        int journaled = fixture.Emulator.Journal.Entries.Count;

        CliResult result = await CliRunner.RunAsync(["upload", path, .. fixture.Target(), "--handle", handle, "--json"]);

        result.ExitCode.ShouldBe(4, result.ToString());
        JsonElement failed = JsonDocument.Parse(result.Lines[^1]).RootElement;
        failed.GetProperty("event").GetString().ShouldBe("failed");
        failed.GetProperty("error").GetString().ShouldBe("service");
        failed.GetProperty("message").GetString()!.ShouldContain("--trust-certificate", customMessage: result.ToString());
        failed.GetProperty("message").GetString()!.ShouldContain("another host name", customMessage: "the hint also covers a certificate issued for another host, which pinning does not cure");
        result.StdErr.ShouldContain("partupload: service:");
        fixture.Emulator.Journal.Entries.Count.ShouldBe(journaled, "the handshake fails before any request reaches the emulator");
        fixture.Emulator.GetBlob(fixture.Emulator.DefaultLayerId, handle).ShouldBeNull();
    }

    [Fact]
    public async Task Upload_TrustCertificateOfAnotherServer_ExitsFourAndStoresNothing()
    {
        string other = Path.Combine(fixture.WorkDirectory, "other-certificate.pem");
        using (ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(System.Net.IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
            DateTimeOffset now = TimeProvider.System.GetUtcNow();
            using X509Certificate2 certificate = request.CreateSelfSigned(now.AddHours(-1), now.AddDays(1));
            await File.WriteAllTextAsync(other, certificate.ExportCertificatePem());
        }

        string path = fixture.WriteFile("other.bin", 1000);
        string handle = CliEmulatorFixture.NewHandle("other");
        int journaled = fixture.Emulator.Journal.Entries.Count;

        CliResult result = await CliRunner.RunAsync(["upload", path, .. fixture.Target(), "--handle", handle, "--trust-certificate", other]);

        result.ExitCode.ShouldBe(4, result.ToString());
        fixture.Emulator.Journal.Entries.Count.ShouldBe(journaled);
        fixture.Emulator.GetBlob(fixture.Emulator.DefaultLayerId, handle).ShouldBeNull();
    }

    [Theory]
    [InlineData("upload", "missing")]
    [InlineData("status", "missing")]
    [InlineData("download", "directory")]
    [InlineData("delete", "not-pem")]
    [InlineData("status", "malformed")]
    [InlineData("partitions", "empty")]
    public async Task TrustCertificate_BadFile_ExitsTwoBeforeAnyRequest(string command, string kind)
    {
        string file = Path.Combine(fixture.WorkDirectory, $"bad-{command}-{kind}.pem");
        string expected = kind switch
        {
            "missing" => "was not found",
            "directory" => "is a directory",
            "not-pem" or "empty" => "holds no PEM certificate",
            _ => "holds a malformed PEM certificate",
        };
        switch (kind)
        {
            case "directory":
                Directory.CreateDirectory(file);
                break;
            case "not-pem":
                await File.WriteAllTextAsync(file, "here.access.key.id = not a certificate\n");
                break;
            case "empty":
                await File.WriteAllTextAsync(file, string.Empty);
                break;
            case "malformed":
                await File.WriteAllTextAsync(file, "-----BEGIN CERTIFICATE-----\nTm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
                break;
        }

        List<string> args = command switch
        {
            "upload" => ["upload", fixture.WriteFile("bad-trust.bin", 10), .. fixture.Target(), "--handle", "bad-trust"],
            "download" => ["download", .. fixture.Target(), "--handle", "bad-trust", "--output", Path.Combine(fixture.WorkDirectory, "bad-trust.out")],
            "partitions" => ["partitions", .. fixture.Target()],
            _ => [command, .. fixture.Target(), "--handle", "bad-trust"],
        };
        args.AddRange(["--trust-certificate", file]);
        int journaled = fixture.Emulator.Journal.Entries.Count;

        CliResult result = await CliRunner.RunAsync(args);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.StdErr.ShouldContain($"partupload: bad-input: --trust-certificate '{file}' {expected}", customMessage: result.ToString());
        fixture.Emulator.Journal.Entries.Count.ShouldBe(journaled);
    }
}
