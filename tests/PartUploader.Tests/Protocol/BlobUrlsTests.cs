using System.Net;
using PartUploader.Internal.Protocol;
using Refit;

namespace PartUploader.Tests.Protocol;

/// <summary>
/// The URL of every blob call, built before the request exists: identifiers escaped once, a route whose structure an
/// identifier would change refused (even when the upload validation is bypassed), and a link href reaching the network
/// through Refit's [Url] byte for byte.
/// </summary>
public class BlobUrlsTests
{
    private static readonly Uri s_base = new("https://blob.example.test:8443/blobstore/v1/catalogs/hrn:here:data::org:cat");

    /// <summary>The chain the client builds: Refit, then the endpoint handler, then a recorder standing for the network.</summary>
    private static (BlobProtocol Protocol, Recorder Inner, CountingTokens Tokens) Chain()
    {
        var inner = new Recorder();
        var http = new HttpClient(new BlobEndpointHandler(inner)) { BaseAddress = RequestProperties.UnusedBaseAddress };
        return (new BlobProtocol(RestService.ForGenerated<IBlobApi>(http, Settings()), TimeProvider.System), inner, new CountingTokens());
    }

    private static RefitSettings Settings() => new(SystemTextJsonContentSerializer.ForContext(BlobJsonContext.Default));

    [Theory]
    [InlineData("a%2Fb", "c%2fd", "/layers/a%252Fb/data/c%252fd")]
    [InlineData("l", "c?d#e", "/layers/l/data/c%3Fd%23e")]
    [InlineData("%2e%2e", "%2E", "/layers/%252e%252e/data/%252E")]
    public void Route_Identifier_IsEscapedOnceWithEscapeDataString(string layerId, string dataHandle, string expectedPath)
    {
        Uri route = BlobUrls.Route(s_base, layerId, dataHandle, billingTag: null);

        route.AbsolutePath.ShouldBe(s_base.AbsolutePath + expectedPath);
    }

    [Theory]
    [InlineData("a/b", "h")]
    [InlineData("l", "c/d")]
    [InlineData("a\\b", "h")]
    public void Route_IdentifierHoldingASeparator_IsRefusedInvalidPath(string layerId, string dataHandle)
    {
        var ex = Should.Throw<PartUploadException>(() => BlobUrls.Route(s_base, layerId, dataHandle, billingTag: null));

        ex.ErrorCode.ShouldBe("InvalidPath");
    }

    [Theory]
    [InlineData("https://blob.example.test:8443/m/TOK/parts?sig=a%2Bb%3D%3D&exp=1")]
    [InlineData("https://blob.example.test:8443/m/TO%2FK/parts?sig=x%26y")]
    [InlineData("/m/TOK/parts?sig=a+b&t=%20")]
    public async Task Refit_LinkUrl_ReachesTheNetworkVerbatim_WithPartNumberAndBillingTagAppended(string href)
    {
        (BlobProtocol protocol, Recorder inner, CountingTokens tokens) = Chain();
        var link = new BlobLinkTarget(href, "POST");
        var upload = new MultipartUpload("TOK", link, link, link, link);
        using var content = new ByteArrayContent([1, 2, 3]);

        await protocol.UploadPartAsync(new BlobEndpoint(s_base, tokens), upload, 9, content, null, "tag", CancellationToken.None);

        string absolute = href.StartsWith('/') ? "https://blob.example.test:8443" + href : href;
        inner.Seen.Single().AbsoluteUri.ShouldBe(absolute + "&partNumber=9&billingTag=tag");
    }

    public static TheoryData<string, string> BypassingIdentifiers => new()
    {
        { "versioned", "." },
        { "versioned", ".." },
        { "versioned", "..." },
        { ".", "h" },
        { "..", "h" },
        { "versioned", "a/b" },
        { "a/b", "h" },
        { "versioned", "" },
        { "", "h" },
        { "versioned", "a\\b" },
    };

    [Theory]
    [MemberData(nameof(BypassingIdentifiers))]
    public async Task AnyCall_IdentifierThatChangesThePath_RefusedInvalidPathWithoutSending(string layerId, string dataHandle)
    {
        (BlobProtocol protocol, Recorder inner, CountingTokens tokens) = Chain();
        BlobEndpoint endpoint = new(s_base, tokens);
        var calls = new Dictionary<string, Func<Task>>
        {
            ["start"] = () => protocol.StartAsync(endpoint, layerId, dataHandle, "application/octet-stream", null, null, CancellationToken.None),
            ["put"] = async () =>
            {
                using var content = new ByteArrayContent([1, 2, 3]);
                await protocol.PutAsync(endpoint, layerId, dataHandle, content, null, null, CancellationToken.None);
            },
            ["head"] = () => protocol.ExistsAsync(endpoint, layerId, dataHandle, null, CancellationToken.None),
            ["get"] = () => protocol.GetAsync(endpoint, layerId, dataHandle, null, null, CancellationToken.None),
            ["delete"] = () => protocol.DeleteAsync(endpoint, layerId, dataHandle, null, CancellationToken.None),
        };

        foreach ((string name, Func<Task> call) in calls)
        {
            var ex = await Should.ThrowAsync<PartUploadException>(call, name);

            ex.ErrorCode.ShouldBe("InvalidPath", name);
            ex.Operation.ShouldBe("BuildRequest", name);
            ex.Message.ShouldContain("ErrorCode: InvalidPath", Case.Sensitive, name);
        }

        inner.Seen.ShouldBeEmpty();
        tokens.Calls.ShouldBe(0, "the check runs before a token is even fetched");
    }

    [Theory]
    [InlineData("versioned", "h.1-x")]
    [InlineData("my_layer~2", "..a")]
    [InlineData("l", "a..b")]
    public async Task AnyCall_OrdinaryIdentifiers_SentToTheRoute(string layerId, string dataHandle)
    {
        (BlobProtocol protocol, Recorder inner, CountingTokens tokens) = Chain();
        BlobEndpoint endpoint = new(s_base, tokens);

        (await protocol.ExistsAsync(endpoint, layerId, dataHandle, null, CancellationToken.None)).ShouldBeTrue();

        inner.Seen.Single().AbsoluteUri.ShouldBe($"{s_base.AbsoluteUri}/layers/{layerId}/data/{dataHandle}");
    }

    [Theory]
    [InlineData("POST", "/layers/L/data/H/multiparts")]
    [InlineData("PUT", "/layers/L/data/H")]
    [InlineData("HEAD", "/layers/L/data/H")]
    [InlineData("GET", "/layers/L/data/H%252F")]
    [InlineData("DELETE", "/layers/L/data/..H")]
    public void EnsureRouteShape_RouteStructure_Accepted(string method, string relative)
    {
        Should.NotThrow(() => BlobUrls.EnsureRouteShape(new Uri(s_base.AbsoluteUri + relative), s_base, new HttpMethod(method)));
    }

    [Theory]
    [InlineData("PUT", "/layers/L/data/H/multiparts")]
    [InlineData("POST", "/layers/L/data/H")]
    [InlineData("POST", "/layers/L/data/H/other")]
    [InlineData("PUT", "/layers/L/data/")]
    [InlineData("PUT", "/layers/L/data/a%2Fb")]
    [InlineData("PUT", "/layers/a%2fb/data/H")]
    [InlineData("PUT", "/layers/L/data/a%5Cb")]
    [InlineData("PUT", "/layers/%2e%2e/data/H")]
    [InlineData("PUT", "/layers/L/data/%2E")]
    [InlineData("PUT", "/layers/L/blobs/H")]
    [InlineData("PUT", "/layers/L/data/H/")]
    [InlineData("PUT", "/layers//data/H")]
    public void EnsureRouteShape_OtherStructure_ThrowsInvalidPath(string method, string relative)
    {
        var ex = Should.Throw<PartUploadException>(() => BlobUrls.EnsureRouteShape(new Uri(s_base.AbsoluteUri + relative), s_base, new HttpMethod(method)));

        ex.ErrorCode.ShouldBe("InvalidPath");
    }

    [Fact]
    public void EnsureRouteShape_OutsideTheBasePath_ThrowsInvalidPath()
    {
        var ex = Should.Throw<PartUploadException>(() => BlobUrls.EnsureRouteShape(
            new Uri("https://blob.example.test:8443/blobstore/v1/catalogs/layers/L/data/H"), s_base, HttpMethod.Put));

        ex.ErrorCode.ShouldBe("InvalidPath");
    }

    private sealed class Recorder : HttpMessageHandler
    {
        public List<Uri> Seen { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Seen.Add(request.RequestUri!);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request });
        }
    }

    private sealed class CountingTokens : AccessTokenSource
    {
        public int Calls { get; private set; }

        public override Task<AccessToken> GetTokenAsync(bool forceRefresh, CancellationToken cancellationToken = default)
        {
            Calls++;
            return Task.FromResult(new AccessToken("t", DateTimeOffset.MaxValue));
        }
    }
}
