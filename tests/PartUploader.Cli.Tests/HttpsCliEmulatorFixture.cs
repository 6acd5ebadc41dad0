using PartUploader.Emulator;

namespace PartUploader.Cli.Tests;

/// <summary>The CLI's emulator on HTTPS, with its certificate written as a PEM file in the work directory.</summary>
public sealed class HttpsCliEmulatorFixture : CliEmulatorFixture
{
    private string? _certificateFile;

    public string CertificateFile => _certificateFile ??= Emulator.WriteCertificateFile(Path.Combine(WorkDirectory, "emulator-certificate.pem"));

    protected override BlobEmulatorOptions CreateOptions() => new() { UseHttps = true };
}
