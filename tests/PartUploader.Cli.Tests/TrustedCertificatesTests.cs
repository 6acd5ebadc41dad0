using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using PartUploader.Cli.Commands;

namespace PartUploader.Cli.Tests;

/// <summary>The decision of <c>--trust-certificate</c> on a presented certificate, without sockets.</summary>
public sealed class TrustedCertificatesTests : IDisposable
{
    private static readonly DateTimeOffset s_now = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("partuploader-trust-").FullName;
    private readonly FakeTimeProvider _time = new(s_now);
    private readonly X509Certificate2 _pinned = CreateCertificate();
    private readonly X509Certificate2 _other = CreateCertificate();

    public void Dispose()
    {
        _pinned.Dispose();
        _other.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private TrustedCertificates CreateSut(params X509Certificate2[] certificates)
    {
        string path = Path.Combine(_dir, "trusted.pem");
        File.WriteAllText(path, string.Concat(certificates.Select(c => c.ExportCertificatePem() + "\n")));
        TrustedCertificates.TryLoad(path, out TrustedCertificates? trusted, _time).ShouldBeNull();
        return trusted.ShouldNotBeNull();
    }

    private static X509Certificate2 CreateCertificate()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using X509Certificate2 created = request.CreateSelfSigned(s_now.AddHours(-1), s_now.AddDays(1));
        return X509CertificateLoader.LoadCertificate(created.RawData);
    }

    [Fact]
    public void Accepts_PinnedCertificateWithOnlyChainErrors_True() =>
        CreateSut(_pinned).Accepts(_pinned, SslPolicyErrors.RemoteCertificateChainErrors).ShouldBeTrue();

    [Fact]
    public void Accepts_AnyCertificateTheSystemAccepts_True() =>
        CreateSut(_pinned).Accepts(_other, SslPolicyErrors.None).ShouldBeTrue();

    [Fact]
    public void Accepts_OtherCertificateWithChainErrors_False() =>
        CreateSut(_pinned).Accepts(_other, SslPolicyErrors.RemoteCertificateChainErrors).ShouldBeFalse();

    [Fact]
    public void Accepts_OneOfABundle_True() =>
        CreateSut(_other, _pinned).Accepts(_pinned, SslPolicyErrors.RemoteCertificateChainErrors).ShouldBeTrue();

    [Theory]
    [InlineData(SslPolicyErrors.RemoteCertificateNameMismatch)]
    [InlineData(SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateChainErrors)]
    public void Accepts_PinnedCertificateForAnotherHost_False(SslPolicyErrors errors) =>
        CreateSut(_pinned).Accepts(_pinned, errors).ShouldBeFalse();

    [Fact]
    public void Accepts_NoCertificate_False() =>
        CreateSut(_pinned).Accepts(null, SslPolicyErrors.RemoteCertificateNotAvailable).ShouldBeFalse();

    [Fact]
    public void Accepts_PinnedCertificateAfterItExpired_False()
    {
        TrustedCertificates sut = CreateSut(_pinned);
        _time.Advance(TimeSpan.FromDays(2));

        sut.Accepts(_pinned, SslPolicyErrors.RemoteCertificateChainErrors).ShouldBeFalse();
    }

    [Fact]
    public void TryLoad_FileLargerThanTheLimit_ExplainsAndLoadsNothing()
    {
        string path = Path.Combine(_dir, "huge.pem");
        File.WriteAllBytes(path, new byte[TrustedCertificates.MaxFileBytes + 1]);

        string? problem = TrustedCertificates.TryLoad(path, out TrustedCertificates? trusted);

        problem.ShouldBe($"--trust-certificate '{path}' is larger than 1024 KiB; it should hold PEM certificates only.");
        trusted.ShouldBeNull();
    }

    [Theory]
    [InlineData(new[] { X509ChainStatusFlags.UntrustedRoot }, true)]
    [InlineData(new[] { X509ChainStatusFlags.PartialChain, X509ChainStatusFlags.NotTimeValid }, true)]
    [InlineData(new X509ChainStatusFlags[0], true)]
    [InlineData(new[] { X509ChainStatusFlags.UntrustedRoot, X509ChainStatusFlags.Revoked }, false)]
    [InlineData(new[] { X509ChainStatusFlags.ExplicitDistrust }, false)]
    [InlineData(new[] { X509ChainStatusFlags.NotSignatureValid }, false)]
    public void OnlyUntrusted_AcceptsOnlyAnUntrustedRootOrDates(X509ChainStatusFlags[] statuses, bool expected)
    {
        TrustedCertificates.OnlyUntrusted(statuses).ShouldBe(expected);
    }
}
