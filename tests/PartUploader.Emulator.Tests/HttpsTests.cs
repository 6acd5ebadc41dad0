using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PartUploader.Emulator.Tests;

/// <summary>One emulator listening on HTTPS (<see cref="BlobEmulatorOptions.UseHttps"/>) shared by a test class.</summary>
public sealed class HttpsEmulatorFixture : IAsyncLifetime
{
    public BlobEmulator Emulator { get; private set; } = null!;

    public async Task InitializeAsync() => Emulator = await BlobEmulator.StartAsync(new BlobEmulatorOptions { UseHttps = true });

    public async Task DisposeAsync() => await Emulator.DisposeAsync();
}

public sealed class HttpsTests(HttpsEmulatorFixture fixture) : IClassFixture<HttpsEmulatorFixture>
{
    private static readonly byte[] s_data = BlobApi.RandomBytes(70_000, seed: 443);

    private BlobEmulator Emulator => fixture.Emulator;

    /// <summary>A handler that trusts exactly <paramref name="certificate"/> (its SHA-256 hash) and still checks the host name.</summary>
    private static SocketsHttpHandler TrustOnly(X509Certificate2 certificate, List<X509Certificate2>? presented = null)
    {
        string pinned = certificate.GetCertHashString(HashAlgorithmName.SHA256);
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, serverCertificate, _, errors) =>
        {
            if (serverCertificate is not null)
            {
                presented?.Add(X509CertificateLoader.LoadCertificate(serverCertificate.GetRawCertData()));
            }

            return (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None
                && serverCertificate?.GetCertHashString(HashAlgorithmName.SHA256) == pinned;
        };
        return handler;
    }

    [Fact]
    public async Task StartAsync_UseHttps_ServesHttpOneOverTlsWithItsCertificate()
    {
        var presented = new List<X509Certificate2>();
        using var api = new BlobApi(Emulator, handler: TrustOnly(Emulator.Certificate!, presented));

        using HttpResponseMessage response = await api.Http.GetAsync(new Uri(Emulator.ServiceUrl, "_emulator/uploads"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Version.ShouldBe(HttpVersion.Version11);
        Emulator.ServiceUrl.Scheme.ShouldBe("https");
        Emulator.ServiceUrl.Host.ShouldBe("127.0.0.1");
        presented.ShouldNotBeEmpty();
        presented.Select(c => Convert.ToHexString(c.RawData)).Distinct().ShouldBe([Convert.ToHexString(Emulator.Certificate!.RawData)]);
    }

    [Fact]
    public void Certificate_UseHttps_IsSelfSignedForLoopbackShortLivedAndWithoutPrivateKey()
    {
        X509Certificate2 certificate = Emulator.Certificate!;

        certificate.HasPrivateKey.ShouldBeFalse();
        certificate.Issuer.ShouldBe(certificate.Subject);
        certificate.MatchesHostname("127.0.0.1").ShouldBeTrue();
        certificate.MatchesHostname("::1").ShouldBeTrue();
        certificate.MatchesHostname("localhost").ShouldBeTrue();
        certificate.MatchesHostname("example.com").ShouldBeFalse();
        (certificate.NotAfter - certificate.NotBefore).ShouldBeLessThanOrEqualTo(TimeSpan.FromDays(8));
        DateTime now = TimeProvider.System.GetUtcNow().UtcDateTime;
        certificate.NotBefore.ToUniversalTime().ShouldBeLessThan(now);
        certificate.NotAfter.ToUniversalTime().ShouldBeGreaterThan(now.AddDays(6));
        certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>()
            .Select(o => o.Value).ShouldBe(["1.3.6.1.5.5.7.3.1"]);
    }

    [Fact]
    public async Task Request_ClientTrustsCertificateAsItsOnlyRoot_PassesFullValidation()
    {
        // What a tool given the PEM as its CA file does (curl --cacert): chain, dates, usage and host name all check out.
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false };
        handler.SslOptions.CertificateChainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            CustomTrustStore = { Emulator.Certificate! },
            RevocationMode = X509RevocationMode.NoCheck,
        };
        using var api = new BlobApi(Emulator, handler: handler);

        using HttpResponseMessage response = await api.Http.GetAsync(new Uri(Emulator.ServiceUrl, "_emulator/uploads"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Request_ClientDoesNotTrustCertificate_FailsTheHandshakeAndReachesNoHandler()
    {
        using var api = new BlobApi(Emulator);
        string handle = BlobApi.NewHandle("untrusted");
        int journaled = Emulator.Journal.Entries.Count;

        HttpRequestException ex = await Should.ThrowAsync<HttpRequestException>(() => api.PutBlobAsync(handle, s_data));

        ex.InnerException.ShouldBeOfType<AuthenticationException>();
        Emulator.Journal.Entries.Count.ShouldBe(journaled);
        Emulator.GetBlob(Emulator.DefaultLayerId, handle).ShouldBeNull();
    }

    [Fact]
    public async Task Multipart_OverHttps_StoresBytesAndLinksKeepTheScheme()
    {
        using var api = new BlobApi(Emulator, handler: TrustOnly(Emulator.Certificate!));
        string handle = BlobApi.NewHandle("tls");

        Links links = await api.UploadSmallBlobAsync(handle, s_data);

        links.UploadPart.ShouldStartWith(Emulator.ServiceUrl.GetLeftPart(UriPartial.Authority) + "/");
        using Stream stored = Emulator.OpenBlob(Emulator.DefaultLayerId, handle)!;
        using var copy = new MemoryStream();
        await stored.CopyToAsync(copy);
        copy.ToArray().ShouldBe(s_data);
    }

    [Fact]
    public async Task StorageRedirect_OverHttps_GoesToLocalhostWhichTheCertificateNames()
    {
        using var api = new BlobApi(Emulator, handler: TrustOnly(Emulator.Certificate!));
        string handle = BlobApi.NewHandle("tls-redirect");
        using (HttpResponseMessage put = await api.PutBlobAsync(handle, s_data))
        {
            put.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using HttpResponseMessage redirect = await api.GetBlobAsync(handle, query: "?accessType=storageLayerAccess");
        redirect.StatusCode.ShouldBe(HttpStatusCode.TemporaryRedirect);
        redirect.Headers.Location!.Scheme.ShouldBe("https");
        redirect.Headers.Location.Host.ShouldBe("localhost");

        using HttpResponseMessage storage = await api.Http.GetAsync(redirect.Headers.Location);

        storage.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await storage.Content.ReadAsByteArrayAsync()).ShouldBe(s_data);
    }

    [Fact]
    public async Task StartAsync_UseHttpsWithHttpsUrl_ListensThere()
    {
        await using BlobEmulator emulator = await BlobEmulator.StartAsync(new BlobEmulatorOptions { UseHttps = true, Urls = "https://127.0.0.1:0" });
        using var api = new BlobApi(emulator, handler: TrustOnly(emulator.Certificate!));

        using HttpResponseMessage response = await api.Http.GetAsync(new Uri(emulator.ServiceUrl, "_emulator/uploads"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        emulator.ServiceUrl.Scheme.ShouldBe("https");
        emulator.Certificate!.RawData.ShouldNotBe(Emulator.Certificate!.RawData, "every start makes a new certificate");
    }

    [Fact]
    public async Task StartAsync_Default_ServesPlainHttpWithoutCertificate()
    {
        await using BlobEmulator emulator = await BlobEmulator.StartAsync();

        emulator.Certificate.ShouldBeNull();
        emulator.ServiceUrl.Scheme.ShouldBe("http");
    }

    [Theory]
    [InlineData(true, "http://127.0.0.1:0", "with UseHttps every URL must be https://")]
    [InlineData(true, "https://127.0.0.1:0;http://127.0.0.1:0", "with UseHttps every URL must be https://")]
    [InlineData(false, "https://127.0.0.1:0", "set UseHttps to listen on https://")]
    public async Task StartAsync_UrlSchemeDisagreesWithUseHttps_ThrowsNamingTheProperty(bool useHttps, string urls, string hint)
    {
        ArgumentException ex = await Should.ThrowAsync<ArgumentException>(() => BlobEmulator.StartAsync(new BlobEmulatorOptions { UseHttps = useHttps, Urls = urls }));

        ex.Message.ShouldContain("BlobEmulatorOptions.Urls");
        ex.Message.ShouldContain(hint);
    }

    [Fact]
    public void WriteCertificateFile_IntoAMissingDirectory_WritesThePublicPartAsPem()
    {
        string dir = Path.Combine(Path.GetTempPath(), "partuploader-pem-" + Guid.NewGuid().ToString("N"));
        try
        {
            string written = Emulator.WriteCertificateFile(Path.Combine(dir, "sub", "server.pem"));

            written.ShouldBe(Path.GetFullPath(Path.Combine(dir, "sub", "server.pem")));
            string pem = File.ReadAllText(written);
            pem.ShouldNotContain("PRIVATE KEY");
            using X509Certificate2 read = X509Certificate2.CreateFromPem(pem);
            read.GetCertHashString(HashAlgorithmName.SHA256).ShouldBe(Emulator.Certificate!.GetCertHashString(HashAlgorithmName.SHA256));
            read.HasPrivateKey.ShouldBeFalse();
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact]
    public async Task WriteCertificateFile_OnPlainHttp_ThrowsInvalidOperation()
    {
        await using BlobEmulator plain = await BlobEmulator.StartAsync(new BlobEmulatorOptions());

        Should.Throw<InvalidOperationException>(() => plain.WriteCertificateFile(Path.Combine(Path.GetTempPath(), "never.pem")));
    }
}
