using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

#pragma warning disable CA5350, CA5351 // MD5 and SHA-1 are test oracles for integrity digests.

namespace PartUploader.IntegrationTests.Engine;

/// <summary>The multipart and single-PUT wire format (spec 2, 3) as a WireMock stand-in of blob v1 receives it.</summary>
public sealed class MultipartUploadContractTests : IClassFixture<BlobServerFixture>, IDisposable
{
    private const int MiB = 1024 * 1024;
    private readonly BlobApiStub _stub;
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };

    public MultipartUploadContractTests(BlobServerFixture fixture)
    {
        fixture.Server.Reset();
        _stub = new BlobApiStub(fixture.Server, fixture.Url);
    }

    public void Dispose() => _http.Dispose();

    private PartUploadClient CreateSut(Action<PartUploadClientOptions>? configure = null) =>
        new(_http, _stub.Options(configure), AccessTokenSource.FromToken(BlobApiStub.Token));

    private static async Task<PartUploadResult> UploadAsync(PartUploadClient sut, byte[] data, PartUploadOptions? options = null)
    {
        using var stream = new MemoryStream(data);
        return await sut.UploadAsync(stream, options ?? BlobApiStub.Upload(), CancellationToken.None);
    }

    [Fact]
    public async Task UploadAsync_Multipart_StartsWithJsonContentTypeAndBearer()
    {
        _stub.StubHappyPath();
        PartUploadClient sut = CreateSut();

        await UploadAsync(sut, BlobApiStub.Data(1000));

        ILogEntry start = _stub.Requests("POST", BlobApiStub.StartPath).ShouldHaveSingleItem();
        BlobApiStub.Header(start, "Authorization").ShouldBe("Bearer " + BlobApiStub.Token);
        BlobApiStub.Header(start, "Content-Type")!.ShouldStartWith("application/json");
        using JsonDocument body = JsonDocument.Parse(BlobApiStub.Body(start));
        body.RootElement.GetProperty("contentType").GetString().ShouldBe("application/x-protobuf");
    }

    [Fact]
    public async Task UploadAsync_Multipart_EveryRequestCarriesTheBearerToken()
    {
        _stub.StubHappyPath();
        PartUploadClient sut = CreateSut();

        await UploadAsync(sut, BlobApiStub.Data((5 * MiB) + 10));

        _stub.Entries.Count.ShouldBeGreaterThanOrEqualTo(5);
        _stub.Entries.ShouldAllBe(e => BlobApiStub.Header(e, "Authorization") == "Bearer " + BlobApiStub.Token);
    }

    [Fact]
    public async Task UploadAsync_AbsoluteLinksWithQuery_UsedVerbatimWithPartNumberAppended()
    {
        _stub.StubHappyPath();
        PartUploadClient sut = CreateSut();

        await UploadAsync(sut, BlobApiStub.Data(1000));

        ILogEntry part = _stub.PartRequests.ShouldHaveSingleItem();
        BlobApiStub.Query(part, "sig").ShouldBe("link-SECRET-q");
        BlobApiStub.Query(part, "partNumber").ShouldBe("1");
        ILogEntry complete = _stub.Requests("PUT", BlobApiStub.UploadPath).ShouldHaveSingleItem();
        BlobApiStub.Query(complete, "sig").ShouldBe("link-SECRET-q");
        BlobApiStub.Query(_stub.Requests("GET", BlobApiStub.UploadPath)[0], "sig").ShouldBe("link-SECRET-q");
    }

    [Fact]
    public async Task UploadAsync_HostRelativeLinks_ResolvedAgainstBaseOrigin()
    {
        _stub.StubHappyPath(_stub.LinksJson(relative: true));
        PartUploadClient sut = CreateSut();

        PartUploadResult result = await UploadAsync(sut, BlobApiStub.Data(1000));

        result.PartNumbers.ShouldBe([1]);
        _stub.PartRequests.ShouldHaveSingleItem();
        _stub.Requests("PUT", BlobApiStub.UploadPath).ShouldHaveSingleItem();
        _stub.Requests("GET", BlobApiStub.UploadPath).ShouldNotBeEmpty();
    }

    [Fact]
    public async Task UploadAsync_CompleteLinkMethod_UsedInsteadOfPut()
    {
        _stub.StubStart(_stub.LinksJson(completeMethod: "POST"));
        _stub.StubParts();
        _stub.StubComplete("POST");
        _stub.StubStatus();
        PartUploadClient sut = CreateSut();

        await UploadAsync(sut, BlobApiStub.Data(1000));

        _stub.Requests("POST", BlobApiStub.UploadPath).ShouldHaveSingleItem();
        _stub.Requests("PUT", BlobApiStub.UploadPath).ShouldBeEmpty();
    }

    [Fact]
    public async Task UploadAsync_Part_SendsContentTypeLengthAndCrc32CDigest()
    {
        _stub.StubHappyPath();
        PartUploadClient sut = CreateSut();

        await UploadAsync(sut, Encoding.ASCII.GetBytes("123456789"));

        ILogEntry part = _stub.PartRequests.ShouldHaveSingleItem();
        BlobApiStub.Header(part, "Content-Type").ShouldBe("application/x-protobuf");
        BlobApiStub.Header(part, "Content-Length").ShouldBe("9");
        BlobApiStub.Header(part, "Transfer-Encoding").ShouldBeNull();
        BlobApiStub.Header(part, "X-HERE-Digest").ShouldBe("CRC-32C:e3069283");
        BlobApiStub.Body(part).ShouldBe(Encoding.ASCII.GetBytes("123456789"));
    }

    [Theory]
    [InlineData(DigestAlgorithm.Md5, "MD5:900150983cd24fb0d6963f7d28e17f72")]
    [InlineData(DigestAlgorithm.Sha1, "SHA1:a9993e364706816aba3e25717850c26c9cd0d89d")]
    [InlineData(DigestAlgorithm.Sha256, "SHA256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    public async Task UploadAsync_PartDigestAlgorithm_SendsExactHeader(DigestAlgorithm algorithm, string expected)
    {
        _stub.StubHappyPath();
        PartUploadClient sut = CreateSut(o => o.DigestAlgorithm = algorithm);

        await UploadAsync(sut, Encoding.ASCII.GetBytes("abc"));

        BlobApiStub.Header(_stub.PartRequests.ShouldHaveSingleItem(), "X-HERE-Digest").ShouldBe(expected);
    }

    [Fact]
    public async Task UploadAsync_TwoParts_EachDigestCoversExactlyItsBytes()
    {
        _stub.StubHappyPath();
        PartUploadClient sut = CreateSut(o => o.DigestAlgorithm = DigestAlgorithm.Sha256);
        byte[] data = BlobApiStub.Data((5 * MiB) + 1234);

        await UploadAsync(sut, data);

        foreach (ILogEntry part in _stub.PartRequests)
        {
            byte[] body = BlobApiStub.Body(part);
            int offset = (BlobApiStub.PartNumber(part) - 1) * 5 * MiB;
            BlobApiStub.ShouldBeBytes(body, data.AsSpan(offset, body.Length).ToArray());
            BlobApiStub.Header(part, "Content-Length").ShouldBe(body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
            BlobApiStub.Header(part, "X-HERE-Digest").ShouldBe("SHA256:" + Convert.ToHexStringLower(SHA256.HashData(body)));
        }

        _stub.PartRequests.Select(BlobApiStub.Body).Sum(b => b.Length).ShouldBe(data.Length);
    }

    [Theory]
    [InlineData("\"quoted-etag\"")]
    [InlineData("unquoted-etag")]
    [InlineData("W/\"weak\"")]
    [InlineData("\"a\\\"b\"")]
    public async Task UploadAsync_ETag_EchoedVerbatimInCompleteBody(string etag)
    {
        _stub.StubHappyPath();
        _stub.StubPart(1, 200, etag: etag);
        PartUploadClient sut = CreateSut();

        await UploadAsync(sut, BlobApiStub.Data(1000));

        ILogEntry complete = _stub.Requests("PUT", BlobApiStub.UploadPath).ShouldHaveSingleItem();
        BlobApiStub.CompletedParts(complete).ShouldBe([(1, etag)]);
        BlobApiStub.Header(complete, "Content-Type")!.ShouldStartWith("application/json");
    }

    [Fact]
    public async Task UploadAsync_ThreeParts_CompleteListsPartsInByteOrder()
    {
        _stub.StubHappyPath();
        PartUploadClient sut = CreateSut(o => o.MaxConcurrency = 3);

        PartUploadResult result = await UploadAsync(sut, BlobApiStub.Data((10 * MiB) + 7));

        BlobApiStub.CompletedParts(_stub.Requests("PUT", BlobApiStub.UploadPath).ShouldHaveSingleItem())
            .ShouldBe([(1, "\"etag-1\""), (2, "\"etag-2\""), (3, "\"etag-3\"")]);
        result.PartCount.ShouldBe(3);
        result.Size.ShouldBe((10 * MiB) + 7);
    }

    [Fact]
    public async Task UploadAsync_StatusProcessing_PolledUntilCompleted()
    {
        _stub.StubStart();
        _stub.StubParts();
        _stub.StubComplete();
        _stub.StubDelete();
        string path = BlobApiStub.UploadPath;
        _stub.Server.Given(Request.Create().WithPath(path).UsingGet()).InScenario("status").WillSetStateTo("second")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"status":"processing"}"""));
        _stub.Server.Given(Request.Create().WithPath(path).UsingGet()).InScenario("status").WhenStateIs("second").WillSetStateTo("third")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"status":"processing"}"""));
        _stub.Server.Given(Request.Create().WithPath(path).UsingGet()).InScenario("status").WhenStateIs("third")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"status":"completed"}"""));
        PartUploadClient sut = CreateSut();

        PartUploadResult result = await UploadAsync(sut, BlobApiStub.Data(1000));

        result.Size.ShouldBe(1000);
        _stub.Requests("GET", path).Count.ShouldBe(3);
        _stub.Requests("DELETE", path).ShouldBeEmpty();
        _stub.Requests("GET", path).ShouldAllBe(e => e.RequestMessage.DateTime >= _stub.Requests("PUT", path)[0].RequestMessage.DateTime);
    }

    [Fact]
    public async Task UploadAsync_BelowThreshold_SinglePutWithBodyLengthAndDigest()
    {
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.BlobPath).UsingPut()).RespondWith(Response.Create().WithStatusCode(200));
        PartUploadClient sut = CreateSut();
        byte[] data = Encoding.ASCII.GetBytes("123456789");

        PartUploadResult result = await UploadAsync(sut, data, BlobApiStub.Upload(forceMultipart: false));

        result.Multipart.ShouldBeFalse();
        ILogEntry put = _stub.Entries.ShouldHaveSingleItem();
        put.RequestMessage.Method.ShouldBe("PUT");
        put.RequestMessage.Path.ShouldBe(BlobApiStub.BlobPath);
        BlobApiStub.Body(put).ShouldBe(data);
        BlobApiStub.Header(put, "Content-Length").ShouldBe("9");
        BlobApiStub.Header(put, "Content-Type").ShouldBe("application/x-protobuf");
        BlobApiStub.Header(put, "X-HERE-Digest").ShouldBe("CRC-32C:e3069283");
        BlobApiStub.Header(put, "Authorization").ShouldBe("Bearer " + BlobApiStub.Token);
    }

    [Fact]
    public async Task UploadAsync_Multipart_ResultCrcMatchesData()
    {
        _stub.StubHappyPath();
        PartUploadClient sut = CreateSut();
        byte[] data = BlobApiStub.Data((5 * MiB) + 99);

        PartUploadResult result = await UploadAsync(sut, data, new PartUploadOptions
        {
            LayerId = BlobApiStub.Layer,
            DataHandle = BlobApiStub.Handle,
            ContentType = "application/x-protobuf",
            ForceMultipart = true,
            WholeBlobDigests = WholeBlobDigests.Sha1,
        });

        result.Crc32C.ShouldBe(System.IO.Hashing.Crc32.HashToUInt32(System.IO.Hashing.Crc32ParameterSet.Crc32C, data));
        result.Sha1.ShouldBe(Convert.ToHexStringLower(SHA1.HashData(data)));
    }
}
