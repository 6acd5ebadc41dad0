using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PartUploader.Emulator.Internal;

/// <summary>
/// The self-signed server certificate of an emulator started with <see cref="BlobEmulatorOptions.UseHttps"/>: made in
/// memory at start (ECDSA P-256, SHA-256), never written anywhere, for <c>127.0.0.1</c>, <c>::1</c> and
/// <c>localhost</c>, valid from one hour before the start for <see cref="Validity"/>.
/// </summary>
internal static class EmulatorCertificate
{
    /// <summary>How long the certificate is valid after the emulator starts.</summary>
    public static readonly TimeSpan Validity = TimeSpan.FromDays(7);

    private const string ServerAuthenticationOid = "1.3.6.1.5.5.7.3.1";

    /// <summary>Creates the certificate with its private key, ready for Kestrel.</summary>
    /// <param name="now">The current time of the real clock (TLS peers check validity against it, not the emulator's <see cref="TimeProvider"/>).</param>
    /// <returns>The certificate; the caller disposes it.</returns>
    public static X509Certificate2 Create(DateTimeOffset now)
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=PartUploader emulator", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build(critical: true));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuthenticationOid)], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));

        using X509Certificate2 created = request.CreateSelfSigned(now.AddHours(-1), now.Add(Validity));

        // A round trip through an in-memory PKCS#12 gives a certificate whose private key the platform's TLS stack can
        // use (on Windows, SChannel cannot use the ephemeral key CreateSelfSigned returns). The password is random and
        // never leaves this method. On Linux the key stays in process memory; no file is written.
        string password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        byte[] pfx = created.Export(X509ContentType.Pkcs12, password);
        try
        {
            return X509CertificateLoader.LoadPkcs12(pfx, password, X509KeyStorageFlags.Exportable);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pfx);
        }
    }

    /// <summary>The same certificate without its private key, for clients to trust.</summary>
    /// <param name="certificate">The server certificate.</param>
    /// <returns>A new certificate holding the public part only; the caller disposes it.</returns>
    public static X509Certificate2 PublicPart(X509Certificate2 certificate) => X509CertificateLoader.LoadCertificate(certificate.RawData);

    /// <summary>Writes <paramref name="certificate"/>'s public part as PEM to <paramref name="path"/> (its directory made when missing); returns the full path.</summary>
    public static string WritePem(X509Certificate2 certificate, string path)
    {
        string fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        File.WriteAllText(fullPath, certificate.ExportCertificatePem() + "\n", new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        return fullPath;
    }
}
