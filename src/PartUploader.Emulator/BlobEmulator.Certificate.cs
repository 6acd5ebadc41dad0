using System.Text;

namespace PartUploader.Emulator;

public sealed partial class BlobEmulator
{
    /// <summary>Writes <see cref="Certificate"/> (the public part only, no private key) as a PEM file, for a client that
    /// takes a file of certificates to trust (<c>curl --cacert FILE</c>, <c>partupload --trust-certificate FILE</c>).</summary>
    /// <param name="path">The file path; its directory is created when missing. An existing file is replaced.</param>
    /// <returns>The full path of the file written.</returns>
    /// <remarks>The certificate is made anew at every start, so a file written by an earlier run is stale.</remarks>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="InvalidOperationException">The emulator listens on plain HTTP (<see cref="BlobEmulatorOptions.UseHttps"/> is off).</exception>
    public string WriteCertificateFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Certificate is null)
        {
            throw new InvalidOperationException("The emulator has no certificate: it listens on plain HTTP (set BlobEmulatorOptions.UseHttps).");
        }

        string fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        File.WriteAllText(fullPath, Certificate.ExportCertificatePem() + "\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        return fullPath;
    }
}
