using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;
using PartUploader.Internal.Auth;

namespace PartUploader.Tests.Auth;

public class ApiLookupClientTests
{
    private static readonly CatalogHrn s_hrn = CatalogHrn.Parse("hrn:here:data::myorg:my-catalog");
    private static readonly Uri s_lookupBase = new("https://lookup.example.test/lookup/v1");

    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
    private readonly CapturingLogger _logger = new();
    private readonly List<bool> _tokenRequests = [];

    private const string BlobOnly = """[{"api":"blob","version":"v1","baseURL":"https://blob.example.test/blobstore/v1/catalogs/my-catalog","parameters":{}}]""";

    private static HttpResponseMessage Ok(string json, int? maxAge = 3600)
    {
        HttpResponseMessage response = FakeHttpHandler.Json(HttpStatusCode.OK, json);
        if (maxAge is { } age)
        {
            response.Headers.CacheControl = new CacheControlHeaderValue { MaxAge = TimeSpan.FromSeconds(age) };
        }

        return response;
    }

    private ApiLookupClient CreateSut(FakeHttpHandler handler, Uri? lookupBase = null)
    {
        AccessTokenSource tokens = AccessTokenSource.FromDelegate((force, _) =>
        {
            lock (_tokenRequests)
            {
                _tokenRequests.Add(force);
                return Task.FromResult(new AccessToken(force ? "fresh-token" : "cached-token", DateTimeOffset.MaxValue));
            }
        });
        return new ApiLookupClient(new HttpClient(handler), tokens, lookupBase ?? s_lookupBase, _time, _logger, new RetryOptions { BaseDelay = TimeSpan.Zero, MaxAttempts = 3 });
    }

    [Fact]
    public async Task GetBlobBaseUrlAsync_Hrn_GetsLookupPathWithBearerToken()
    {
        var handler = new FakeHttpHandler((_, _) => Ok(BlobOnly));
        var sut = CreateSut(handler);

        Uri baseUrl = await sut.GetBlobBaseUrlAsync(s_hrn);

        baseUrl.ShouldBe(new Uri("https://blob.example.test/blobstore/v1/catalogs/my-catalog"));
        RecordedRequest request = handler.Requests.Single();
        request.Method.ShouldBe(HttpMethod.Get);
        request.Uri.AbsoluteUri.ShouldBe("https://lookup.example.test/lookup/v1/resources/hrn:here:data::myorg:my-catalog/apis/blob/v1");
        request.Authorization.ShouldBe("Bearer cached-token");
    }

    [Fact]
    public async Task GetBlobBaseUrlAsync_LookupBaseWithTrailingSlash_BuildsSamePath()
    {
        var handler = new FakeHttpHandler((_, _) => Ok(BlobOnly));
        var sut = CreateSut(handler, new Uri("http://127.0.0.1:5000/lookup/v1/"));

        await sut.GetBlobBaseUrlAsync(s_hrn);

        handler.Requests.Single().Uri.AbsoluteUri.ShouldBe("http://127.0.0.1:5000/lookup/v1/resources/hrn:here:data::myorg:my-catalog/apis/blob/v1");
    }

    [Fact]
    public async Task GetBlobBaseUrlAsync_SeveralApisInArray_PicksBlobV1()
    {
        const string json = """
            [
              {"api":"metadata","version":"v1","baseURL":"https://metadata.example.test/v1","parameters":{}},
              {"api":"blob","version":"v2","baseURL":"https://blob.example.test/v2","parameters":{}},
              {"api":"blob","version":"v1","baseURL":"https://blob.example.test/v1","parameters":{"x":"y"}},
              {"api":"query","version":"v1","baseURL":"https://query.example.test/v1"}
            ]
            """;
        var sut = CreateSut(new FakeHttpHandler((_, _) => Ok(json)));

        Uri baseUrl = await sut.GetBlobBaseUrlAsync(s_hrn);

        baseUrl.ShouldBe(new Uri("https://blob.example.test/v1"));
    }

    [Fact]
    public async Task GetBlobBaseUrlAsync_WithinMaxAge_UsesCache()
    {
        var handler = new FakeHttpHandler((_, _) => Ok(BlobOnly, maxAge: 600));
        var sut = CreateSut(handler);
        await sut.GetBlobBaseUrlAsync(s_hrn);

        _time.Advance(TimeSpan.FromSeconds(599));
        await sut.GetBlobBaseUrlAsync(s_hrn);

        handler.Count.ShouldBe(1);
    }

    [Fact]
    public async Task GetBlobBaseUrlAsync_AfterMaxAge_LooksUpAgain()
    {
        var handler = new FakeHttpHandler((_, _) => Ok(BlobOnly, maxAge: 600));
        var sut = CreateSut(handler);
        await sut.GetBlobBaseUrlAsync(s_hrn);

        _time.Advance(TimeSpan.FromSeconds(600));
        await sut.GetBlobBaseUrlAsync(s_hrn);

        handler.Count.ShouldBe(2);
    }

    [Fact]
    public async Task GetBlobBaseUrlAsync_NoMaxAge_DoesNotCache()
    {
        var handler = new FakeHttpHandler((_, _) => Ok(BlobOnly, maxAge: null));
        var sut = CreateSut(handler);

        await sut.GetBlobBaseUrlAsync(s_hrn);
        await sut.GetBlobBaseUrlAsync(s_hrn);

        handler.Count.ShouldBe(2);
    }

    [Fact]
    public async Task GetBlobBaseUrlAsync_OtherHrn_IsCachedSeparately()
    {
        var handler = new FakeHttpHandler((r, _) => Ok(r.Uri.AbsoluteUri.Contains("other", StringComparison.Ordinal)
            ? BlobOnly.Replace("my-catalog", "other", StringComparison.Ordinal)
            : BlobOnly));
        var sut = CreateSut(handler);
        await sut.GetBlobBaseUrlAsync(s_hrn);

        Uri other = await sut.GetBlobBaseUrlAsync(CatalogHrn.Parse("hrn:here:data::myorg:other"));

        other.AbsoluteUri.ShouldEndWith("/catalogs/other");
        handler.Count.ShouldBe(2);
    }

    [Fact]
    public async Task GetBlobBaseUrlAsync_Unauthorized_RefreshesTokenOnceAndRetries()
    {
        var handler = new FakeHttpHandler((_, i) => i == 0 ? FakeHttpHandler.Json(HttpStatusCode.Unauthorized, "{}") : Ok(BlobOnly));
        var sut = CreateSut(handler);

        await sut.GetBlobBaseUrlAsync(s_hrn);

        _tokenRequests.ShouldBe([false, true]);
        handler.Requests.Select(r => r.Authorization).ShouldBe(["Bearer cached-token", "Bearer fresh-token"]);
    }

    [Fact]
    public async Task GetBlobBaseUrlAsync_UnauthorizedTwice_ThrowsAuthenticationException()
    {
        var handler = new FakeHttpHandler((_, _) => FakeHttpHandler.Json(HttpStatusCode.Unauthorized, """{"code":"E401","message":"Unauthorized"}"""));
        var sut = CreateSut(handler);

        var ex = await Should.ThrowAsync<PartUploadAuthenticationException>(() => sut.GetBlobBaseUrlAsync(s_hrn));

        ex.Status.ShouldBe(401);
        ex.Operation.ShouldBe("Lookup");
        handler.Count.ShouldBe(2);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "\"E400\"", "E400")]
    [InlineData(HttpStatusCode.NotFound, "404001", "404001")]
    [InlineData(HttpStatusCode.InternalServerError, "\"E500\"", "E500")]
    public async Task GetBlobBaseUrlAsync_ErrorStatus_MapsToPartUploadException(HttpStatusCode status, string code, string expectedCode)
    {
        var handler = new FakeHttpHandler((_, _) =>
        {
            HttpResponseMessage response = FakeHttpHandler.Json(status, $$"""{"code":{{code}},"message":"Catalog trouble","description":"details"}""");
            response.Headers.Add("X-Correlation-ID", "corr-1");
            return response;
        });
        var sut = CreateSut(handler);

        var ex = await Should.ThrowAsync<PartUploadException>(() => sut.GetBlobBaseUrlAsync(s_hrn));

        ex.Status.ShouldBe((int)status);
        ex.ErrorCode.ShouldBe(expectedCode);
        ex.ErrorTitle.ShouldBe("Catalog trouble");
        ex.CorrelationId.ShouldBe("corr-1");
        ex.Operation.ShouldBe("Lookup");
        ex.Message.ShouldContain(expectedCode);
    }

    [Fact]
    public async Task GetBlobBaseUrlAsync_NoBlobV1InArray_ThrowsApiNotFound()
    {
        var sut = CreateSut(new FakeHttpHandler((_, _) => Ok("""[{"api":"blob","version":"v2","baseURL":"https://blob.example.test/v2"}]""")));

        var ex = await Should.ThrowAsync<PartUploadException>(() => sut.GetBlobBaseUrlAsync(s_hrn));

        ex.ErrorCode.ShouldBe("ApiNotFound");
        ex.Operation.ShouldBe("Lookup");
    }

    [Fact]
    public async Task GetBlobBaseUrlAsync_BodyNotAnArray_ThrowsInvalidLookupResponse()
    {
        var sut = CreateSut(new FakeHttpHandler((_, _) => Ok("""{"api":"blob"}""")));

        var ex = await Should.ThrowAsync<PartUploadException>(() => sut.GetBlobBaseUrlAsync(s_hrn));

        ex.ErrorCode.ShouldBe("InvalidLookupResponse");
    }

    [Fact]
    public async Task GetBlobBaseUrlAsync_NetworkFailure_ThrowsLookupUnreachable()
    {
        var sut = CreateSut(new FakeHttpHandler((RecordedRequest _, int _) => Task.FromException<HttpResponseMessage>(new HttpRequestException("refused"))));

        var ex = await Should.ThrowAsync<PartUploadException>(() => sut.GetBlobBaseUrlAsync(s_hrn));

        ex.Status.ShouldBe(0);
        ex.ErrorCode.ShouldBe("LookupUnreachable");
        ex.InnerException.ShouldBeOfType<HttpRequestException>();
    }

    [Fact]
    public async Task GetBlobBaseUrlAsync_AtTrace_NeverLogsTheToken()
    {
        var handler = new FakeHttpHandler((_, i) => i == 0 ? FakeHttpHandler.Json(HttpStatusCode.Unauthorized, "{}") : Ok(BlobOnly));
        var sut = CreateSut(handler);

        await sut.GetBlobBaseUrlAsync(s_hrn);
        await sut.GetBlobBaseUrlAsync(s_hrn);

        _logger.Lines.ShouldNotBeEmpty();
        _logger.All.ShouldNotContain("cached-token");
        _logger.All.ShouldNotContain("fresh-token");
    }
    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.InternalServerError)]
    public async Task GetBlobBaseUrlAsync_TransientStatusThenOk_IsRetried(HttpStatusCode status)
    {
        var handler = new FakeHttpHandler((_, i) => i == 0 ? FakeHttpHandler.Json(status, """{"code":"E5","message":"busy"}""") : Ok(BlobOnly));
        var sut = CreateSut(handler);

        Uri baseUrl = await sut.GetBlobBaseUrlAsync(s_hrn);

        baseUrl.Host.ShouldBe("blob.example.test");
        handler.Count.ShouldBe(2);
    }

    [Fact]
    public async Task GetBlobBaseUrlAsync_NetworkFailureThenOk_IsRetried()
    {
        var handler = new FakeHttpHandler((RecordedRequest _, int i) =>
            i == 0 ? Task.FromException<HttpResponseMessage>(new HttpRequestException("reset")) : Task.FromResult(Ok(BlobOnly)));
        var sut = CreateSut(handler);

        await sut.GetBlobBaseUrlAsync(s_hrn);

        handler.Count.ShouldBe(2);
    }

    [Fact]
    public async Task GetBlobBaseUrlAsync_ServerErrorsBeyondRetries_ThrowsAfterMaxAttemptsWithStatus()
    {
        var handler = new FakeHttpHandler((_, _) => FakeHttpHandler.Json(HttpStatusCode.BadGateway, "{}"));
        var sut = CreateSut(handler);

        var ex = await Should.ThrowAsync<PartUploadException>(() => sut.GetBlobBaseUrlAsync(s_hrn));

        ex.Status.ShouldBe(502);
        ex.Operation.ShouldBe("Lookup");
        handler.Count.ShouldBe(3);
    }

    [Fact]
    public async Task GetBlobBaseUrlAsync_NotFound_IsNotRetried()
    {
        var handler = new FakeHttpHandler((_, _) => FakeHttpHandler.Json(HttpStatusCode.NotFound, """{"code":404001,"message":"no catalog"}"""));
        var sut = CreateSut(handler);

        await Should.ThrowAsync<PartUploadException>(() => sut.GetBlobBaseUrlAsync(s_hrn));

        handler.Count.ShouldBe(1);
    }

    [Fact]
    public async Task GetBlobBaseUrlAsync_BodyBeyondCapWithoutLength_ThrowsInvalidLookupResponseAndStopsReading()
    {
        var body = new CountingEndlessStream((byte)' ');
        var handler = new FakeHttpHandler((_, _) => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(body) });
        var sut = CreateSut(handler);

        var ex = await Should.ThrowAsync<PartUploadException>(() => sut.GetBlobBaseUrlAsync(s_hrn));

        ex.ErrorCode.ShouldBe(PartUploadErrorCodes.InvalidLookupResponse);
        body.BytesRead.ShouldBeInRange(1024 * 1024, (1024 * 1024) + (16 * 1024));
        handler.Count.ShouldBe(1);
    }

    [Fact]
    public async Task GetBlobBaseUrlAsync_DeclaredBodyOf5MiB_ThrowsInvalidLookupResponse()
    {
        string huge = "[" + new string(' ', 5 * 1024 * 1024) + "]";
        var sut = CreateSut(new FakeHttpHandler((_, _) => Ok(huge)));

        var ex = await Should.ThrowAsync<PartUploadException>(() => sut.GetBlobBaseUrlAsync(s_hrn));

        ex.ErrorCode.ShouldBe(PartUploadErrorCodes.InvalidLookupResponse);
    }

    [Fact]
    public async Task GetBlobBaseUrlAsync_ErrorStringsWithControlCharacters_AreSanitizedInMessage()
    {
        string longMessage = @"line1\r\nFAKE-LOG-LINE\u001b[31m" + new string('m', 500);
        var handler = new FakeHttpHandler((_, _) => FakeHttpHandler.Json(HttpStatusCode.BadRequest, $$"""{"code":"E\n400","message":"{{longMessage}}"}"""));
        var sut = CreateSut(handler);

        var ex = await Should.ThrowAsync<PartUploadException>(() => sut.GetBlobBaseUrlAsync(s_hrn));

        ex.Message.ShouldNotContain("\n");
        ex.Message.ShouldNotContain("\r");
        ex.Message.ShouldNotContain("\u001b");
        ex.ErrorCode.ShouldBe("E400");
        ex.ErrorTitle!.Length.ShouldBeLessThanOrEqualTo(200);
    }

    /// <summary>A body of unknown length that never ends, counting the bytes read.</summary>
    private sealed class CountingEndlessStream(byte fill) : Stream
    {
        public long BytesRead { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }

        public override int Read(byte[] buffer, int offset, int count)
        {
            buffer.AsSpan(offset, count).Fill(fill);
            BytesRead += count;
            return count;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
