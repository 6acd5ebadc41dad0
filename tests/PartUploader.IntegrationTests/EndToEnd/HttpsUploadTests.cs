using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using PartUploader.Emulator;

namespace PartUploader.IntegrationTests.EndToEnd;

/// <summary>One emulator on HTTPS (its own self-signed certificate) per test class.</summary>
public sealed class HttpsEmulatorFixture : IAsyncLifetime
{
    public BlobEmulator Emulator { get; private set; } = null!;

    public async Task InitializeAsync() => Emulator = await BlobEmulator.StartAsync(new BlobEmulatorOptions { UseHttps = true, ProcessingDelay = TimeSpan.Zero });

    public async Task DisposeAsync() => await Emulator.DisposeAsync();
}

/// <summary>
/// The SDK over TLS with nothing but its public API: a caller's <see cref="HttpClient"/>, or the handler of
/// <c>AddPartUploader</c>'s builder, trusts exactly the emulator's certificate (README, Emulator, HTTPS).
/// </summary>
public sealed class HttpsUploadTests(HttpsEmulatorFixture fixture) : IClassFixture<HttpsEmulatorFixture>, IDisposable
{
    private const long MiB = 1024 * 1024;
    private readonly string _tempDir = Directory.CreateTempSubdirectory("partuploader-tls-").FullName;

    private BlobEmulator Emulator => fixture.Emulator;

    /// <summary>Accepts the server's certificate only when it is the emulator's (same SHA-256) and names the host.</summary>
    private static RemoteCertificateValidationCallback TrustExactly(X509Certificate2 certificate)
    {
        string pinned = certificate.GetCertHashString(HashAlgorithmName.SHA256);
        return (_, presented, _, errors) =>
            (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None
            && presented?.GetCertHashString(HashAlgorithmName.SHA256) == pinned;
    }

    private PartUploadClientOptions ClientOptions() => new()
    {
        BaseUrl = Emulator.GetBlobBaseUrl(),
        PartSize = 5 * MiB,
        MaxConcurrency = 4,
        MaxBufferedBytes = 64 * MiB,
        SingleShotThreshold = 5 * MiB,
    };

    private static PartUploadOptions Upload(string handle, bool forceMultipart = true) => new()
    {
        LayerId = BlobEmulatorOptions.DemoVersionedLayerId,
        DataHandle = handle,
        ForceMultipart = forceMultipart,
    };

    private static string NewHandle(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N");

    private static byte[] Data(long length, int seed)
    {
        byte[] data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    private void ShouldHaveStored(string handle, byte[] expected) => EmulatorTestBase.ShouldHaveStored(Emulator, handle, expected);

    [Fact]
    public async Task UploadAsync_HttpClientTrustsEmulatorCertificate_StoresByteIdenticalBlob()
    {
        byte[] data = Data((12 * MiB) + 3, seed: 443);
        string path = Path.Combine(_tempDir, "tls.bin");
        await File.WriteAllBytesAsync(path, data);
        string handle = NewHandle("tls-file");
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = TrustExactly(Emulator.Certificate!);
        using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        var sut = new PartUploadClient(http, ClientOptions(), AccessTokenSource.FromToken(Emulator.IssueAccessToken()));

        PartUploadResult result = await sut.UploadAsync(path, Upload(handle));

        ShouldHaveStored(handle, data);
        result.PartCount.ShouldBe(3);
        result.Crc32C.ShouldBe(Emulator.GetBlob(BlobEmulatorOptions.DemoVersionedLayerId, handle)!.Crc32C);
        Emulator.Uploads.Single(u => u.DataHandle == handle).State.ShouldBe(UploadState.Completed);
    }

    [Fact]
    public async Task AddPartUploader_PrimaryHandlerTrustsEmulatorCertificate_StoresByteIdenticalBlobAndKeepsTheSdkHandler()
    {
        byte[] data = Data((7 * MiB) + 11, seed: 8443);
        string handle = NewHandle("tls-di");
        SocketsHttpHandler? configured = null;
        var services = new ServiceCollection();
        services.AddSingleton(AccessTokenSource.FromToken(Emulator.IssueAccessToken()));
        services.AddPartUploader(o =>
            {
                o.BaseUrl = Emulator.GetBlobBaseUrl();
                o.PartSize = 5 * MiB;
                o.MaxBufferedBytes = 64 * MiB;
            })
            .ConfigurePrimaryHttpMessageHandler((handler, _) =>
            {
                configured = (SocketsHttpHandler)handler;
                configured.SslOptions.RemoteCertificateValidationCallback = TrustExactly(Emulator.Certificate!);
            });
        await using ServiceProvider provider = services.BuildServiceProvider();
        PartUploadClient sut = provider.GetRequiredService<PartUploadClient>();
        using var source = new MemoryStream(data);

        PartUploadResult result = await sut.UploadAsync(source, Upload(handle));

        ShouldHaveStored(handle, data);
        result.PartCount.ShouldBe(2);
        configured.ShouldNotBeNull();
        configured.AllowAutoRedirect.ShouldBeFalse("configuring the SDK's handler keeps its settings");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task UploadAsync_CertificateNotTrusted_ThrowsNetworkErrorBeforeAnyDataIsStored(bool forceMultipart)
    {
        byte[] data = Data((2 * MiB) + 5, seed: 80);
        string handle = NewHandle("tls-untrusted");
        var counting = new CountingHandler(new SocketsHttpHandler());
        using var http = new HttpClient(counting) { Timeout = Timeout.InfiniteTimeSpan };
        PartUploadClientOptions options = ClientOptions();
        var sut = new PartUploadClient(http, options, AccessTokenSource.FromToken(Emulator.IssueAccessToken()));
        using var source = new MemoryStream(data);

        PartUploadException ex = await Should.ThrowAsync<PartUploadException>(() => sut.UploadAsync(source, Upload(handle, forceMultipart)));

        ex.GetType().ShouldBe(typeof(PartUploadException));
        ex.ErrorCode.ShouldBe(PartUploadErrorCodes.NetworkError);
        ex.Status.ShouldBe(0);
        ex.DataHandle.ShouldBe(handle);
        ex.Message.ShouldContain("connection");
        ex.InnerException.ShouldBeOfType<HttpRequestException>().InnerException.ShouldBeOfType<AuthenticationException>();
        Emulator.Journal.Entries.ShouldNotContain(e => e.Path.Contains(handle, StringComparison.Ordinal), "no request got past the TLS handshake");
        Emulator.Uploads.ShouldNotContain(u => u.DataHandle == handle);
        Emulator.GetBlob(BlobEmulatorOptions.DemoVersionedLayerId, handle).ShouldBeNull();
        counting.Sends.ShouldBe(1, "a refused handshake fails the same way every time: it is not retried");
    }

    private sealed class CountingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private int _sends;

        public int Sends => Volatile.Read(ref _sends);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _sends);
            return base.SendAsync(request, cancellationToken);
        }
    }

    public void Dispose()
    {
        Directory.Delete(_tempDir, recursive: true);
        GC.SuppressFinalize(this);
    }
}
