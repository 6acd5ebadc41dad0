using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PartUploader.Cli.Commands;

/// <summary>
/// The certificates of <c>--trust-certificate FILE</c>: a server certificate the system's validation refuses is accepted
/// only when it is exactly one of them (same SHA-256), it names the host, and today is within its validity dates.
/// </summary>
/// <remarks>
/// This adds to the system's trust and never replaces it: a certificate the system accepts is still accepted, and
/// validation is never turned off. The file's certificates are pinned, not used as roots: a certificate that one of them
/// signed is not trusted through it.
/// </remarks>
internal sealed class TrustedCertificates
{
    /// <summary>The largest file read (a PEM bundle of a whole system trust store is well under this).</summary>
    internal const long MaxFileBytes = 1024 * 1024;

    private readonly IReadOnlyList<Pinned> _pinned;
    private readonly TimeProvider _timeProvider;

    private TrustedCertificates(IReadOnlyList<Pinned> pinned, TimeProvider timeProvider)
    {
        _pinned = pinned;
        _timeProvider = timeProvider;
    }

    /// <summary>Reads the PEM certificates of <paramref name="path"/> (the <c>CERTIFICATE</c> blocks; other blocks are ignored).</summary>
    /// <returns>A message for exit code 2 that names the option and the file, or null when <paramref name="trusted"/> was read.</returns>
    public static string? TryLoad(string path, out TrustedCertificates? trusted, TimeProvider? timeProvider = null)
    {
        trusted = null;
        string prefix = $"--trust-certificate '{path}'";
        if (string.IsNullOrWhiteSpace(path))
        {
            return "--trust-certificate needs a PEM file path.";
        }

        if (Directory.Exists(path))
        {
            return $"{prefix} is a directory, not a PEM certificate file.";
        }

        string text;
        try
        {
            var file = new FileInfo(path);
            if (!file.Exists)
            {
                return $"{prefix} was not found.";
            }

            if (file.Length > MaxFileBytes)
            {
                return $"{prefix} is larger than {MaxFileBytes / 1024} KiB; it should hold PEM certificates only.";
            }

            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"{prefix} could not be read: {ex.Message}";
        }

        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(text);
        }
        catch (CryptographicException ex)
        {
            return $"{prefix} holds a malformed PEM certificate: {ex.Message}";
        }

        if (certificates.Count == 0)
        {
            return $"{prefix} holds no PEM certificate (a '-----BEGIN CERTIFICATE-----' block).";
        }

        var pinned = new List<Pinned>(certificates.Count);
        foreach (X509Certificate2 certificate in certificates)
        {
            pinned.Add(new Pinned(certificate.GetCertHashString(HashAlgorithmName.SHA256), certificate.NotBefore.ToUniversalTime(), certificate.NotAfter.ToUniversalTime()));
            certificate.Dispose();
        }

        trusted = new TrustedCertificates(pinned, timeProvider ?? TimeProvider.System);
        return null;
    }

    /// <summary>Makes <paramref name="handler"/> accept what the system accepts, and else only these certificates.</summary>
    public void ApplyTo(SocketsHttpHandler handler) =>
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            Accepts(certificate, errors) && (chain is null || OnlyUntrusted(chain.ChainStatus.Select(s => s.Status)));

    /// <summary>
    /// True when a chain's complaints are only that it does not end at a trusted root (what a self-signed certificate
    /// gets) or that a date is outside its validity (checked on the pinned certificate itself): a revoked, distrusted
    /// or badly signed certificate is never accepted, pinned or not.
    /// </summary>
    public static bool OnlyUntrusted(IEnumerable<X509ChainStatusFlags> statuses) =>
        statuses.All(s => (s & ~(X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain | X509ChainStatusFlags.NotTimeValid)) == 0);

    /// <summary>Decides on the certificate a server presented, given what the system's validation found.</summary>
    /// <param name="certificate">The server's certificate, or null when it sent none.</param>
    /// <param name="errors">The system's verdict.</param>
    /// <returns>True when the system accepts it, or when the only complaint is its chain and it is one of these
    /// certificates within its dates.</returns>
    public bool Accepts(X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        // A missing certificate or a host name mismatch is never overridden; only "not issued by a trusted root" is.
        if (certificate is null || errors != SslPolicyErrors.RemoteCertificateChainErrors)
        {
            return false;
        }

        string sha256 = certificate.GetCertHashString(HashAlgorithmName.SHA256);
        DateTime now = _timeProvider.GetUtcNow().UtcDateTime;
        return _pinned.Any(p => string.Equals(p.Sha256, sha256, StringComparison.OrdinalIgnoreCase) && p.NotBefore <= now && now <= p.NotAfter);
    }

    private sealed record Pinned(string Sha256, DateTime NotBefore, DateTime NotAfter);
}
