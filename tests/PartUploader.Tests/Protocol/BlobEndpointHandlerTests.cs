using PartUploader.Internal.Protocol;

namespace PartUploader.Tests.Protocol;

public class BlobEndpointHandlerTests
{
    private static readonly Uri s_base = new("https://blob.example.test:8443/blobstore/v1/catalogs/hrn:here:data::org:cat");

    private static BlobEndpoint Endpoint() => new(s_base, AccessTokenSource.FromToken("t"));

    private static HttpRequestMessage LinkRequest(string href, string method)
    {
        var link = new BlobLinkTarget(href, method);
        var request = new HttpRequestMessage(HttpMethod.Post, BlobUrls.Link(link, s_base, billingTag: null));
        request.Options.Set(RequestProperties.LinkKey, link);
        return request;
    }

    [Theory]
    [InlineData("https://blob.example.test:8443/blobstore/v1/catalogs/c/layers/L/data/H/multiparts/TOK/parts?sig=a%2Fb&x=1")]
    [InlineData("http://other.example.test/x/y?a=1")]
    [InlineData("https://blob.example.test:8443/a/b")]
    public void ResolveHref_Absolute_KeptVerbatim(string href)
    {
        Uri resolved = BlobUrls.ResolveHref(href, s_base);

        resolved.AbsoluteUri.ShouldBe(href);
    }

    [Fact]
    public void ResolveHref_HostRelative_ResolvedAgainstBaseOrigin()
    {
        Uri resolved = BlobUrls.ResolveHref("/blobstore/v1/catalogs/c/layers/L/data/H/multiparts/TOK?sig=1", s_base);

        resolved.AbsoluteUri.ShouldBe("https://blob.example.test:8443/blobstore/v1/catalogs/c/layers/L/data/H/multiparts/TOK?sig=1");
    }

    [Theory]
    [InlineData("layers/L/data/H/multiparts/TOK")]
    [InlineData("//evil.example.test/x")]
    [InlineData("ftp://blob.example.test/x")]
    [InlineData("")]
    [InlineData("../x")]
    public void ResolveHref_OtherForms_ThrowsInvalidLink(string href)
    {
        var ex = Should.Throw<PartUploadException>(() => BlobUrls.ResolveHref(href, s_base));

        ex.ErrorCode.ShouldBe("InvalidLink");
    }

    [Fact]
    public void Link_WithQuery_AppendsPartNumberAfterExistingQuery()
    {
        Uri target = BlobUrls.Link(new BlobLinkTarget("https://blob.example.test:8443/m/TOK/parts?sig=abc", "POST"), s_base, billingTag: null, partNumber: 3);

        target.AbsoluteUri.ShouldBe("https://blob.example.test:8443/m/TOK/parts?sig=abc&partNumber=3");
    }

    [Theory]
    [InlineData("https://blob.example.test:8443/m/TOK/parts?sig=a%2Bb%3D%3D&exp=1")]
    [InlineData("https://blob.example.test:8443/m/TO%2FK/parts?sig=x%26y")]
    [InlineData("https://blob.example.test:8443/m/TOK/parts?sig=a+b&t=%20")]
    public void Link_SignedHref_KeepsEscapesWhenAppendingPartNumber(string href)
    {
        Uri target = BlobUrls.Link(new BlobLinkTarget(href, "POST"), s_base, billingTag: null, partNumber: 3);

        target.AbsoluteUri.ShouldBe(href + "&partNumber=3");
    }

    [Fact]
    public void Link_WithoutQuery_AddsPartNumberAndBillingTag()
    {
        Uri target = BlobUrls.Link(new BlobLinkTarget("/m/TOK/parts", "POST"), s_base, billingTag: "team a", partNumber: 7);

        target.AbsoluteUri.ShouldBe("https://blob.example.test:8443/m/TOK/parts?partNumber=7&billingTag=team%20a");
    }

    [Fact]
    public void Link_WithoutExtraQuery_KeepsHrefExactly()
    {
        Uri target = BlobUrls.Link(new BlobLinkTarget("https://blob.example.test:8443/m/TOK?sig=a%2Bb", "PUT"), s_base, billingTag: null);

        target.AbsoluteUri.ShouldBe("https://blob.example.test:8443/m/TOK?sig=a%2Bb");
    }

    [Fact]
    public async Task SendAsync_Link_UsesLinkMethod()
    {
        var inner = new RecordingHandler(_ => new HttpResponseMessage(System.Net.HttpStatusCode.OK));
        using var sut = new HttpMessageInvoker(new BlobEndpointHandler(inner));
        using HttpRequestMessage request = LinkRequest("/m/TOK", "patch");
        request.Options.Set(RequestProperties.EndpointKey, Endpoint());

        using HttpResponseMessage response = await sut.SendAsync(request, CancellationToken.None);

        inner.Methods.ShouldBe([HttpMethod.Patch]);
    }

    [Fact]
    public void Route_AppendedToBasePathWithQuery()
    {
        Uri target = BlobUrls.Route(s_base, "L", "H", billingTag: "abcd", start: true);

        target.AbsoluteUri.ShouldBe("https://blob.example.test:8443/blobstore/v1/catalogs/hrn:here:data::org:cat/layers/L/data/H/multiparts?billingTag=abcd");
    }

    [Theory]
    [InlineData("https://blob.example.test:8443/x", true)]
    [InlineData("https://BLOB.example.test:8443/x", true)]
    [InlineData("https://blob.example.test/x", false)]
    [InlineData("http://blob.example.test:8443/x", false)]
    [InlineData("https://evil.example.test:8443/x", false)]
    public void IsSameOrigin_ComparesSchemeHostAndPort(string target, bool expected)
    {
        BlobEndpointHandler.IsSameOrigin(new Uri(target), s_base).ShouldBe(expected);
    }

    [Theory]
    [InlineData("https://storage.example.test/obj?sig=1", false)]
    [InlineData("https://blob.example.test:8443/other", true)]
    public async Task SendAsync_GetRedirect_TokenOnlyToBlobHost(string location, bool expectToken)
    {
        var inner = new RecordingHandler(request => request.RequestUri!.AbsolutePath.EndsWith("/data/H", StringComparison.Ordinal)
            ? new HttpResponseMessage(System.Net.HttpStatusCode.TemporaryRedirect) { Headers = { Location = new Uri(location) } }
            : new HttpResponseMessage(System.Net.HttpStatusCode.OK));
        using var sut = new HttpMessageInvoker(new BlobEndpointHandler(inner));
        using var request = new HttpRequestMessage(HttpMethod.Get, BlobUrls.Route(s_base, "L", "H", billingTag: null));
        request.Options.Set(RequestProperties.EndpointKey, Endpoint());

        using HttpResponseMessage response = await sut.SendAsync(request, CancellationToken.None);

        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        inner.Seen.Count.ShouldBe(2);
        inner.Seen[0].Authorization.ShouldBe("Bearer t");
        inner.Seen[1].Uri.ShouldBe(new Uri(location));
        (inner.Seen[1].Authorization is not null).ShouldBe(expectToken);
    }

    [Fact]
    public async Task SendAsync_TargetOnOtherHost_RefusedBeforeSending()
    {
        var inner = new RecordingHandler(_ => new HttpResponseMessage(System.Net.HttpStatusCode.OK));
        using var sut = new HttpMessageInvoker(new BlobEndpointHandler(inner));
        using HttpRequestMessage request = LinkRequest("https://evil.example.test/m/TOK", "GET");
        request.Options.Set(RequestProperties.EndpointKey, Endpoint());

        var ex = await Should.ThrowAsync<PartUploadException>(() => sut.SendAsync(request, CancellationToken.None));

        ex.ErrorCode.ShouldBe("UntrustedHost");
        inner.Seen.ShouldBeEmpty();
    }

    private sealed class RecordingHandler(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
    {
        public List<(Uri Uri, string? Authorization)> Seen { get; } = [];

        public List<HttpMethod> Methods { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Seen.Add((request.RequestUri!, request.Headers.Authorization?.ToString()));
            Methods.Add(request.Method);
            return Task.FromResult(respond(request));
        }
    }

    [Fact]
    public void Clone_CopiesSingleAndRepeatedHeadersAsTheyAre()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, s_base);
        request.Headers.TryAddWithoutValidation("X-HERE-Digest", "CRC-32C:0a1b2c3d");
        request.Headers.TryAddWithoutValidation("X-Repeated", ["one", "two"]);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "tok");
        request.Options.Set(RequestProperties.LinkKey, new BlobLinkTarget("x", "PUT"));

        using HttpRequestMessage clone = BlobEndpointHandler.Clone(request, s_base);

        clone.Headers.GetValues("X-HERE-Digest").ShouldBe(["CRC-32C:0a1b2c3d"]);
        clone.Headers.GetValues("X-Repeated").ShouldBe(["one", "two"]);
        clone.Headers.GetValues("Authorization").ShouldBe(["Bearer tok"]);
        clone.Options.TryGetValue(RequestProperties.LinkKey, out BlobLinkTarget? link).ShouldBeTrue();
        link!.Method.ShouldBe("PUT");
    }
}
