namespace PartUploader.IntegrationTests.Engine;

/// <summary>
/// What the WireMock contract tests of the blob API share: the stub (reset for each test), a transport that does not
/// follow redirects, and the client under test over both.
/// </summary>
public abstract class BlobContractTestBase : IClassFixture<BlobServerFixture>, IDisposable
{
    protected const int MiB = 1024 * 1024;
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan };

    protected BlobContractTestBase(BlobServerFixture fixture)
    {
        fixture.Server.Reset();
        Stub = new BlobApiStub(fixture.Server, fixture.Url);
    }

    /// <summary>Gets the stubbed blob API.</summary>
    private protected BlobApiStub Stub { get; }

    /// <summary>Gets the transport the client under test sends through.</summary>
    protected HttpClient Http => _http;

    public void Dispose()
    {
        _http.Dispose();
        GC.SuppressFinalize(this);
    }

    private protected PartUploadClient CreateSut(Action<PartUploadClientOptions>? configure = null, AccessTokenSource? tokens = null) =>
        new(_http, Stub.Options(configure), tokens ?? AccessTokenSource.FromToken(BlobApiStub.Token));
}
