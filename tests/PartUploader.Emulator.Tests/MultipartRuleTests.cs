using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace PartUploader.Emulator.Tests;

/// <summary>Each rule of spec section 6, violated once.</summary>
public sealed class MultipartRuleTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture _fixture;

    public MultipartRuleTests(EmulatorFixture fixture) => _fixture = fixture;

    private BlobApi Api => _fixture.Api;

    private BlobEmulator Emulator => _fixture.Emulator;

    [Fact]
    public async Task Start_NoAuthorization_Returns401()
    {
        using HttpRequestMessage request = Api.Request(HttpMethod.Post, Api.BlobUrl(BlobApi.NewHandle()) + "/multiparts", new StringContent("""{"contentType":"application/octet-stream"}""", Encoding.UTF8, "application/json"), auth: false);
        using HttpResponseMessage response = await Api.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Start_UnknownToken_Returns401()
    {
        using BlobApi api = new(Emulator, token: "not-a-token");
        using HttpResponseMessage response = await api.StartRawAsync(BlobApi.NewHandle(), """{"contentType":"application/octet-stream"}""");

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Start_TokenRestrictedToOtherCatalog_Returns403()
    {
        using BlobApi api = new(Emulator, Emulator.IssueAccessToken(onlyCatalogHrn: "hrn:here:data::emulator:other"));
        using HttpResponseMessage response = await api.StartRawAsync(BlobApi.NewHandle(), """{"contentType":"application/octet-stream"}""");

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Start_UnknownCatalog_Returns404()
    {
        using HttpResponseMessage response = await Api.StartRawAsync(BlobApi.NewHandle(), """{"contentType":"application/octet-stream"}""", hrn: "hrn:here:data::emulator:nope");

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Start_UnknownLayer_Returns404()
    {
        using HttpResponseMessage response = await Api.StartRawAsync(BlobApi.NewHandle(), """{"contentType":"application/octet-stream"}""", layer: "nope");

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("bad_handle")]
    [InlineData("bad%20handle")]
    [InlineData("h%C3%A9")]
    public async Task Start_InvalidDataHandle_Returns400(string handle)
    {
        using HttpResponseMessage response = await Api.StartRawAsync(handle, """{"contentType":"application/octet-stream"}""");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Start_DataHandleLongerThan600_Returns400()
    {
        using HttpResponseMessage response = await Api.StartRawAsync(new string('a', 601), """{"contentType":"application/octet-stream"}""");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("?billingTag=abc")]
    [InlineData("?billingTag=abcdefghijklmnopq")]
    [InlineData("?billingTag=ab-cd")]
    [InlineData("?billingTag=abcd&billingTag=efgh")]
    public async Task Start_InvalidBillingTag_Returns400(string query)
    {
        using HttpResponseMessage response = await Api.StartRawAsync(BlobApi.NewHandle(), """{"contentType":"application/octet-stream"}""", query: query);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Start_ValidBillingTagAndUnknownQueryParameter_Returns200()
    {
        using HttpResponseMessage response = await Api.StartRawAsync(BlobApi.NewHandle(), """{"contentType":"application/octet-stream"}""", query: "?billingTag=Abcd1234&sentWith=test-1.0");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("""{"contentType":"application/json"}""")]
    [InlineData("""{}""")]
    [InlineData("""{"contentType":42}""")]
    [InlineData("""not json""")]
    [InlineData("""[]""")]
    public async Task Start_BadBody_Returns400(string body)
    {
        using HttpResponseMessage response = await Api.StartRawAsync(BlobApi.NewHandle(), body);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData(null)]
    public async Task Start_BodyNotSentAsJson_Returns415(string? mediaType)
    {
        StringContent content = new("{\"contentType\":\"application/octet-stream\"}");
        content.Headers.ContentType = mediaType is null ? null : new MediaTypeHeaderValue(mediaType);
        using HttpRequestMessage request = Api.Request(HttpMethod.Post, Api.BlobUrl(BlobApi.NewHandle()) + "/multiparts", content);

        using HttpResponseMessage response = await Api.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Complete_BodyNotSentAsJson_Returns415()
    {
        Links links = await Api.StartAsync(BlobApi.NewHandle());
        string etag = await Api.UploadPartOkAsync(links, 1, [1]);
        using HttpRequestMessage request = Api.Request(HttpMethod.Put, links.Complete, new StringContent(BlobApi.CompleteBody((1, etag)), Encoding.UTF8, "text/plain"));

        using HttpResponseMessage response = await Api.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Start_ContentEncodingDifferentFromLayer_Returns400()
    {
        using HttpResponseMessage response = await Api.StartRawAsync(BlobApi.NewHandle(), """{"contentType":"application/octet-stream","contentEncoding":"gzip"}""");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Start_HandleAlreadyHoldsBlob_Returns409()
    {
        string handle = BlobApi.NewHandle();
        await Api.UploadSmallBlobAsync(handle, [1]);

        using HttpResponseMessage response = await Api.StartRawAsync(handle, """{"contentType":"application/octet-stream"}""");

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?partNumber=0")]
    [InlineData("?partNumber=10001")]
    [InlineData("?partNumber=-1")]
    [InlineData("?partNumber=1.5")]
    [InlineData("?partNumber=abc")]
    [InlineData("?partNumber=0x10")]
    [InlineData("?partNumber=1&partNumber=2")]
    public async Task UploadPart_InvalidPartNumber_Returns400(string query)
    {
        Links links = await Api.StartAsync(BlobApi.NewHandle());

        using HttpResponseMessage response = await Api.UploadPartRawAsync(links, query, BlobApi.Bytes([1, 2]));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task UploadPart_PartNumber10000_Returns200()
    {
        Links links = await Api.StartAsync(BlobApi.NewHandle());

        using HttpResponseMessage response = await Api.UploadPartAsync(links, 10_000, [1]);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task UploadPart_ContentTypeDifferentFromStart_Returns400()
    {
        Links links = await Api.StartAsync(BlobApi.NewHandle());

        using HttpResponseMessage response = await Api.UploadPartRawAsync(links, "?partNumber=1", BlobApi.Bytes([1], "text/plain"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task UploadPart_ChunkedBody_Returns411()
    {
        Links links = await Api.StartAsync(BlobApi.NewHandle());
        StreamContent content = new(new NonSeekableStream([1, 2, 3]));
        content.Headers.ContentType = new MediaTypeHeaderValue(BlobApi.OctetStream);
        using HttpRequestMessage request = Api.Request(HttpMethod.Post, links.UploadPart + "?partNumber=1", content);
        request.Headers.TransferEncodingChunked = true;

        using HttpResponseMessage response = await Api.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.LengthRequired);
    }

    [Fact]
    public async Task UploadPart_ContentLengthAbove5GiB_Returns413()
    {
        Links links = await Api.StartAsync(BlobApi.NewHandle());

        string response = await RawHttp.SendAsync(Emulator.ServiceUrl, $"POST {new Uri(links.UploadPart).PathAndQuery}?partNumber=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {Api.Token}\r\nContent-Type: application/octet-stream\r\nContent-Length: 5368709121\r\n\r\n");

        response.ShouldStartWith("HTTP/1.1 413");
    }

    [Fact]
    public async Task UploadPart_UnknownUploadToken_Returns404()
    {
        Links links = await Api.StartAsync(BlobApi.NewHandle());
        Links forged = links with { UploadPart = links.UploadPart.Replace("/multiparts/", "/multiparts/x", StringComparison.Ordinal) };

        using HttpResponseMessage response = await Api.UploadPartAsync(forged, 1, [1]);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task UploadPart_LargeBodyToUnknownUpload_Returns404RatherThanReset()
    {
        Links links = await Api.StartAsync(BlobApi.NewHandle());
        Links forged = links with { UploadPart = links.UploadPart.Replace("/multiparts/", "/multiparts/x", StringComparison.Ordinal) };

        using HttpResponseMessage response = await Api.UploadPartAsync(forged, 1, new byte[32 * 1024 * 1024]);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("CRC-32C:00000000")]
    [InlineData("MD5:00000000000000000000000000000000")]
    [InlineData("SHA1:0000000000000000000000000000000000000000")]
    [InlineData("SHA256:0000000000000000000000000000000000000000000000000000000000000000")]
    public async Task UploadPart_DigestMismatch_Returns400(string digest)
    {
        Links links = await Api.StartAsync(BlobApi.NewHandle());

        using HttpResponseMessage response = await Api.UploadPartAsync(links, 1, [1, 2, 3], digest);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("CRC-32C")]
    [InlineData("MD5")]
    [InlineData("SHA1")]
    [InlineData("SHA256")]
    public async Task UploadPart_CorrectDigest_Returns200(string algorithm)
    {
        byte[] data = BlobApi.RandomBytes(100_000, seed: 3);
        Links links = await Api.StartAsync(BlobApi.NewHandle());

        using HttpResponseMessage response = await Api.UploadPartAsync(links, 1, data, Digests.Header(algorithm, data));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("CRC32C:352441c2")]
    [InlineData("crc-32c:352441c2")]
    [InlineData("CRC-32C:352441C2")]
    [InlineData("CRC-32C:52441c2")]
    [InlineData("CRC-32C")]
    [InlineData("XXH3:0000000000000000")]
    public async Task UploadPart_MalformedOrUnknownDigest_Returns400(string digest)
    {
        Links links = await Api.StartAsync(BlobApi.NewHandle());

        using HttpResponseMessage response = await Api.UploadPartAsync(links, 1, [1, 2, 3], digest);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task UploadPart_Crc32CWithLeadingZeros_IsZeroPaddedAndAccepted()
    {
        // Find a small input whose CRC-32C has a leading zero nibble, so the 8-digit padding is exercised.
        byte[] data = Enumerable.Range(0, 10_000).Select(i => BitConverter.GetBytes(i)).First(b => System.IO.Hashing.Crc32.HashToUInt32(System.IO.Hashing.Crc32ParameterSet.Crc32C, b) < 0x10000000);
        Links links = await Api.StartAsync(BlobApi.NewHandle());

        using HttpResponseMessage response = await Api.UploadPartAsync(links, 1, data, Digests.Header("CRC-32C", data));

        Digests.Header("CRC-32C", data).ShouldStartWith("CRC-32C:0");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Complete_PartNotUploaded_Returns400WithObservedMessage()
    {
        Links links = await Api.StartAsync(BlobApi.NewHandle());
        string etag = await Api.UploadPartOkAsync(links, 1, [1]);

        using HttpResponseMessage response = await Api.CompleteAsync(links, (1, etag), (2, etag));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("One or more of the specified parts could not be found.");
    }

    [Fact]
    public async Task Complete_WrongETag_Returns400()
    {
        Links links = await Api.StartAsync(BlobApi.NewHandle());
        string etag = await Api.UploadPartOkAsync(links, 1, [1]);

        using HttpResponseMessage response = await Api.CompleteAsync(links, (1, etag.Trim('"')));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Complete_ETagOfOverriddenPart_Returns400()
    {
        Links links = await Api.StartAsync(BlobApi.NewHandle());
        string first = await Api.UploadPartOkAsync(links, 1, [1]);
        await Api.UploadPartOkAsync(links, 1, [1]);

        using HttpResponseMessage response = await Api.CompleteAsync(links, (1, first));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Complete_DuplicateNumber_Returns400()
    {
        Links links = await Api.StartAsync(BlobApi.NewHandle());
        string etag = await Api.UploadPartOkAsync(links, 1, [1]);

        using HttpResponseMessage response = await Api.CompleteAsync(links, (1, etag), (1, etag));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Complete_NonLastPartBelowMinimum_Returns400()
    {
        Links links = await Api.StartAsync(BlobApi.NewHandle());
        string e1 = await Api.UploadPartOkAsync(links, 1, new byte[5_242_879]);
        string e2 = await Api.UploadPartOkAsync(links, 2, [1]);

        using HttpResponseMessage response = await Api.CompleteAsync(links, (1, e1), (2, e2));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("""{"parts":[]}""")]
    [InlineData("""{"parts":[{"etag":"x"}]}""")]
    [InlineData("""{"parts":[{"number":1}]}""")]
    [InlineData("""{"parts":[{"etag":"x","number":"1"}]}""")]
    [InlineData("""{"parts":{}}""")]
    [InlineData("""{"parts":[{"etag":"x","number":1}""")]
    public async Task Complete_MalformedBody_Returns400(string body)
    {
        Links links = await Api.StartAsync(BlobApi.NewHandle());

        using HttpResponseMessage response = await Api.CompleteRawAsync(links, body);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Complete_HandleTakenMeanwhileBySinglePut_Returns409()
    {
        string handle = BlobApi.NewHandle();
        Links links = await Api.StartAsync(handle);
        string etag = await Api.UploadPartOkAsync(links, 1, [1]);
        using HttpResponseMessage put = await Api.PutBlobAsync(handle, [9]);

        using HttpResponseMessage response = await Api.CompleteAsync(links, (1, etag));

        put.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Complete_AlreadyCompleted_Returns404()
    {
        Links links = await Api.UploadSmallBlobAsync(BlobApi.NewHandle(), [1]);

        using HttpResponseMessage response = await Api.CompleteAsync(links, (1, "\"x\""));

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Cancel_CompletedUpload_Returns404()
    {
        Links links = await Api.UploadSmallBlobAsync(BlobApi.NewHandle(), [1]);

        using HttpResponseMessage response = await Api.CancelAsync(links);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Status_OpenUpload_Returns404ByDefault()
    {
        Links links = await Api.StartAsync(BlobApi.NewHandle());

        (await Api.StatusAsync(links)).Status.ShouldBe(404);
    }

    [Fact]
    public async Task UploadPart_WrongMethod_Returns405()
    {
        Links links = await Api.StartAsync(BlobApi.NewHandle());

        using HttpRequestMessage request = Api.Request(HttpMethod.Get, links.UploadPart + "?partNumber=1");
        using HttpResponseMessage response = await Api.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task ErrorBody_Default_IsJsonWithCorrelationIdHeader()
    {
        using HttpResponseMessage response = await Api.StartRawAsync(BlobApi.NewHandle(), "{}");

        JsonNode body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        body["status"]!.GetValue<int>().ShouldBe(400);
        body["title"]!.GetValue<string>().ShouldBe("Bad Request");
        body["code"].ShouldNotBeNull();
        body["cause"].ShouldNotBeNull();
        body["action"].ShouldNotBeNull();
        body["correlationId"]!.GetValue<string>().ShouldBe(response.Headers.GetValues("X-Correlation-ID").Single());
    }

    [Fact]
    public async Task Responses_Never_LeakDataDirectoryOrSecret()
    {
        string[] bodies = await Task.WhenAll(
            Send(HttpMethod.Post, Api.BlobUrl("bad_handle") + "/multiparts", "{"),
            Send(HttpMethod.Put, Api.BlobUrl(BlobApi.NewHandle()) + "/multiparts/zzz", "{"),
            Send(HttpMethod.Get, Emulator.ServiceUrl + "_emulator/journal", null),
            Send(HttpMethod.Get, Emulator.ServiceUrl + "_emulator/uploads", null));

        foreach (string body in bodies)
        {
            body.ShouldNotContain(Emulator.DataDirectory);
            body.ShouldNotContain(Emulator.Credentials.AccessKeySecret);
            body.ShouldNotContain(Api.Token);
        }

        async Task<string> Send(HttpMethod method, string url, string? body)
        {
            using HttpRequestMessage request = Api.Request(method, url, body is null ? null : new StringContent(body, Encoding.UTF8, "application/json"));
            using HttpResponseMessage response = await Api.SendAsync(request);
            return await response.Content.ReadAsStringAsync();
        }
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
