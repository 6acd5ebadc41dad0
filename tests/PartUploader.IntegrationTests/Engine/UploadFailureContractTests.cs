using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace PartUploader.IntegrationTests.Engine;

/// <summary>Failures, retries, cancellation and read-back (spec 2.2, 4, 5) against a WireMock stand-in of blob v1.</summary>
public sealed class UploadFailureContractTests : IClassFixture<BlobServerFixture>, IDisposable
{
    private const int MiB = 1024 * 1024;
    private readonly BlobApiStub _stub;
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };

    public UploadFailureContractTests(BlobServerFixture fixture)
    {
        fixture.Server.Reset();
        _stub = new BlobApiStub(fixture.Server, fixture.Url);
    }

    public void Dispose() => _http.Dispose();

    private PartUploadClient CreateSut(Action<PartUploadClientOptions>? configure = null) =>
        new(_http, _stub.Options(configure), AccessTokenSource.FromToken(BlobApiStub.Token));

    private static async Task<PartUploadResult> UploadAsync(PartUploadClient sut, byte[] data, CancellationToken cancellationToken = default)
    {
        using var stream = new MemoryStream(data);
        return await sut.UploadAsync(stream, BlobApiStub.Upload(), cancellationToken);
    }

    private void StubReadBack(byte[] body, int status = 206) =>
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.BlobPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/octet-stream").WithBody(body));

    [Fact]
    public async Task UploadAsync_StatusFailed_ThrowsUploadFailedAndCallsDelete()
    {
        _stub.StubStart();
        _stub.StubParts();
        _stub.StubComplete();
        _stub.StubStatus("failed");
        _stub.StubDelete();
        PartUploadClient sut = CreateSut();

        var ex = await Should.ThrowAsync<PartUploadException>(() => UploadAsync(sut, BlobApiStub.Data(1000)));

        ex.ErrorCode.ShouldBe("UploadFailed");
        ILogEntry delete = _stub.Requests("DELETE", BlobApiStub.UploadPath).ShouldHaveSingleItem();
        BlobApiStub.Query(delete, "sig").ShouldBe("link-SECRET-q");
    }

    [Fact]
    public async Task UploadAsync_Part503Then200_RetryTakesFreshNumberListedInComplete()
    {
        _stub.StubHappyPath();
        _stub.StubPart(1, 503);
        PartUploadClient sut = CreateSut(o => o.VerifyRetriedParts = false);

        PartUploadResult result = await UploadAsync(sut, BlobApiStub.Data((5 * MiB) + 10));

        int[] sent = _stub.PartRequests.Select(BlobApiStub.PartNumber).Order().ToArray();
        sent.ShouldBe([1, 2, 3]);
        BlobApiStub.CompletedParts(_stub.Requests("PUT", BlobApiStub.UploadPath).ShouldHaveSingleItem())
            .ShouldBe([(3, "\"etag-3\""), (2, "\"etag-2\"")]);
        result.PartNumbers.ShouldBe([3, 2]);
        result.Retries.ShouldBe(1);
    }

    [Fact]
    public async Task UploadAsync_RetriedPart_ResendsSameBytesAndDigest()
    {
        _stub.StubHappyPath();
        _stub.StubPart(1, 503);
        PartUploadClient sut = CreateSut(o => o.VerifyRetriedParts = false);

        await UploadAsync(sut, BlobApiStub.Data(1000));

        ILogEntry[] parts = _stub.PartRequests.OrderBy(BlobApiStub.PartNumber).ToArray();
        parts.Length.ShouldBe(2);
        BlobApiStub.Body(parts[1]).ShouldBe(BlobApiStub.Body(parts[0]));
        BlobApiStub.Header(parts[1], "X-HERE-Digest").ShouldBe(BlobApiStub.Header(parts[0], "X-HERE-Digest"));
    }

    [Fact]
    public async Task UploadAsync_Part429WithRetryAfter_WaitsBeforeRetry()
    {
        _stub.StubHappyPath();
        _stub.StubPart(1, 429, retryAfter: "1");
        PartUploadClient sut = CreateSut(o => o.VerifyRetriedParts = false);

        await UploadAsync(sut, BlobApiStub.Data(1000));

        ILogEntry[] parts = _stub.PartRequests.OrderBy(BlobApiStub.PartNumber).ToArray();
        parts.Select(BlobApiStub.PartNumber).ShouldBe([1, 2]);
        (parts[1].RequestMessage.DateTime - parts[0].RequestMessage.DateTime).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(900));
    }

    [Fact]
    public async Task UploadAsync_Start400_FailsFastWithoutRetry()
    {
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.StartPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(400).WithBody("""{"title":"Bad content type","status":400,"code":"E400"}"""));
        PartUploadClient sut = CreateSut();

        var ex = await Should.ThrowAsync<PartUploadException>(() => UploadAsync(sut, BlobApiStub.Data(1000)));

        ex.Status.ShouldBe(400);
        ex.Operation.ShouldBe("StartMultipart");
        _stub.Entries.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task UploadAsync_Start503_IsRetried()
    {
        _stub.StubHappyPath();
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.StartPath).UsingPost()).AtPriority(1).InScenario("start").WillSetStateTo("ok")
            .RespondWith(Response.Create().WithStatusCode(503));
        PartUploadClient sut = CreateSut();

        await UploadAsync(sut, BlobApiStub.Data(1000));

        _stub.Requests("POST", BlobApiStub.StartPath).Count.ShouldBe(2);
    }

    [Fact]
    public async Task UploadAsync_Start409_ThrowsBlobAlreadyExists()
    {
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.StartPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(409));
        PartUploadClient sut = CreateSut();

        var ex = await Should.ThrowAsync<BlobAlreadyExistsException>(() => UploadAsync(sut, BlobApiStub.Data(1000)));

        ex.Status.ShouldBe(409);
        ex.DataHandle.ShouldBe(BlobApiStub.Handle);
        _stub.Entries.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task UploadAsync_Part404_ThrowsUploadNotFoundAndAttemptsCancel()
    {
        _stub.StubHappyPath();
        _stub.StubPart(1, 404);
        PartUploadClient sut = CreateSut();

        var ex = await Should.ThrowAsync<UploadNotFoundException>(() => UploadAsync(sut, BlobApiStub.Data(1000)));

        ex.PartNumber.ShouldBe(1);
        _stub.PartRequests.ShouldHaveSingleItem();
        _stub.Requests("DELETE", BlobApiStub.UploadPath).ShouldHaveSingleItem();
        _stub.Requests("PUT", BlobApiStub.UploadPath).ShouldBeEmpty();
    }

    [Fact]
    public async Task UploadAsync_LinkOnAnotherHost_ThrowsUntrustedHostAndSendsNothingThere()
    {
        _stub.StubHappyPath(_stub.LinksJson(uploadPartHref: "http://untrusted.example.invalid/parts?x=1"));
        PartUploadClient sut = CreateSut();

        var ex = await Should.ThrowAsync<PartUploadException>(() => UploadAsync(sut, BlobApiStub.Data(1000)));

        ex.ErrorCode.ShouldBe("UntrustedHost");
        _stub.Entries.ShouldHaveSingleItem().RequestMessage.Path.ShouldBe(BlobApiStub.StartPath);
    }

    [Fact]
    public async Task UploadAsync_LinkOnSameHostOtherPort_ThrowsUntrustedHost()
    {
        var server = new Uri(_stub.ServerUrl);
        string otherPort = $"http://127.0.0.1:{(server.Port == 65535 ? 1 : server.Port + 1)}/parts";
        _stub.StubHappyPath(_stub.LinksJson(uploadPartHref: otherPort));
        PartUploadClient sut = CreateSut();

        var ex = await Should.ThrowAsync<PartUploadException>(() => UploadAsync(sut, BlobApiStub.Data(1000)));

        ex.ErrorCode.ShouldBe("UntrustedHost");
        _stub.Entries.Count.ShouldBe(1);
    }

    [Fact]
    public async Task UploadAsync_Part200WithoutETag_ThrowsMissingETagAndCancels()
    {
        _stub.StubHappyPath();
        _stub.StubPart(1, 200);
        PartUploadClient sut = CreateSut();

        var ex = await Should.ThrowAsync<PartUploadException>(() => UploadAsync(sut, BlobApiStub.Data(1000)));

        ex.ErrorCode.ShouldBe("MissingETag");
        _stub.Requests("PUT", BlobApiStub.UploadPath).ShouldBeEmpty();
        _stub.Requests("DELETE", BlobApiStub.UploadPath).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task UploadAsync_ErrorBody_MappedOntoException()
    {
        _stub.StubHappyPath();
        _stub.StubPart(1, 403, body: """{"title":"Forbidden layer","status":403,"code":"E403001","correlationId":"corr-42"}""");
        PartUploadClient sut = CreateSut();

        var ex = await Should.ThrowAsync<PartUploadException>(() => UploadAsync(sut, BlobApiStub.Data(1000)));

        ex.Status.ShouldBe(403);
        ex.ErrorCode.ShouldBe("E403001");
        ex.ErrorTitle.ShouldBe("Forbidden layer");
        ex.CorrelationId.ShouldBe("corr-42");
        ex.Operation.ShouldBe("UploadPart");
        ex.UploadId.ShouldBe(BlobApiStub.UploadToken);
        _stub.PartRequests.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task UploadAsync_ErrorBody_ToStringHasNoTokenOrLinkQuery()
    {
        _stub.StubHappyPath();
        _stub.StubPart(1, 403, body: """{"title":"Forbidden layer","status":403,"code":"E403001","correlationId":"corr-42"}""");
        PartUploadClient sut = CreateSut();

        var ex = await Should.ThrowAsync<PartUploadException>(() => UploadAsync(sut, BlobApiStub.Data(1000)));

        string text = ex.ToString();
        text.ShouldContain("E403001");
        text.ShouldNotContain("SECRET");
        text.ShouldNotContain(BlobApiStub.LinkSecret);
    }

    [Fact]
    public async Task UploadAsync_RetriesExhausted_ToStringHasNoTokenOrLinkQuery()
    {
        _stub.StubHappyPath();
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.PartsPath).UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(500).WithHeader("X-Correlation-ID", "corr-500"));
        PartUploadClient sut = CreateSut(o => o.Retry.MaxAttempts = 3);

        var ex = await Should.ThrowAsync<PartUploadException>(() => UploadAsync(sut, BlobApiStub.Data(1000)));

        ex.Status.ShouldBe(500);
        ex.CorrelationId.ShouldBe("corr-500");
        _stub.PartRequests.Select(BlobApiStub.PartNumber).Order().ShouldBe([1, 2, 3]);
        ex.ToString().ShouldNotContain("SECRET");
        _stub.Requests("DELETE", BlobApiStub.UploadPath).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task UploadAsync_RetriedPartReadBackMatches_VerifiesWithRange()
    {
        byte[] data = BlobApiStub.Data(1000);
        _stub.StubHappyPath();
        _stub.StubPart(1, 503);
        StubReadBack(data);
        PartUploadClient sut = CreateSut();

        PartUploadResult result = await UploadAsync(sut, data);

        result.VerifiedRanges.ShouldBe(1);
        ILogEntry get = _stub.Requests("GET", BlobApiStub.BlobPath).ShouldHaveSingleItem();
        BlobApiStub.Header(get, "Range").ShouldBe("bytes=0-999");
        BlobApiStub.Header(get, "Authorization").ShouldBe("Bearer " + BlobApiStub.Token);
        get.RequestMessage.DateTime.ShouldBeGreaterThanOrEqualTo(_stub.Requests("PUT", BlobApiStub.UploadPath)[0].RequestMessage.DateTime);
    }

    [Fact]
    public async Task UploadAsync_RetriedPartReadBackDiffers_ThrowsReadBackMismatch()
    {
        byte[] data = BlobApiStub.Data(1000);
        byte[] wrong = (byte[])data.Clone();
        wrong[500] ^= 0xFF;
        _stub.StubHappyPath();
        _stub.StubPart(1, 503);
        StubReadBack(wrong);
        PartUploadClient sut = CreateSut();

        var ex = await Should.ThrowAsync<PartChecksumMismatchException>(() => UploadAsync(sut, data));

        ex.ErrorCode.ShouldBe("ReadBackMismatch");
        ex.Offset.ShouldBe(0);
    }

    [Fact]
    public async Task UploadAsync_NoRetry_NoReadBack()
    {
        _stub.StubHappyPath();
        StubReadBack(BlobApiStub.Data(10));
        PartUploadClient sut = CreateSut();

        PartUploadResult result = await UploadAsync(sut, BlobApiStub.Data(1000));

        result.VerifiedRanges.ShouldBe(0);
        _stub.Requests("GET", BlobApiStub.BlobPath).ShouldBeEmpty();
    }

    [Fact]
    public async Task UploadAsync_CancelledMidUpload_ThrowsOperationCanceledAndCallsDelete()
    {
        _stub.StubHappyPath();
        PartUploadClient sut = CreateSut();
        using var cts = new CancellationTokenSource();
        var options = BlobApiStub.Upload();
        options.Progress = new CancelOnFirstReport(cts);
        using var stream = new MemoryStream(BlobApiStub.Data((5 * MiB) + 10));

        Exception? ex = await Record.ExceptionAsync(() => sut.UploadAsync(stream, options, cts.Token));

        ex.ShouldBeAssignableTo<OperationCanceledException>();
        _stub.Requests("DELETE", BlobApiStub.UploadPath).ShouldHaveSingleItem();
        _stub.Requests("PUT", BlobApiStub.UploadPath).ShouldBeEmpty();
    }

    [Fact]
    public async Task UploadAsync_PartConnectionReset_RetriedUnderFreshNumber()
    {
        _stub.StubHappyPath();
        using var transport = new HttpClient(new ResetFirstPartHandler(new SocketsHttpHandler())) { Timeout = Timeout.InfiniteTimeSpan };
        var sut = new PartUploadClient(transport, _stub.Options(o => o.VerifyRetriedParts = false), AccessTokenSource.FromToken(BlobApiStub.Token));

        PartUploadResult result = await UploadAsync(sut, BlobApiStub.Data(1000));

        result.PartNumbers.ShouldBe([2]);
        _stub.PartRequests.Select(BlobApiStub.PartNumber).ShouldBe([2]);
    }

    [Fact]
    public async Task UploadAsync_PartConnectionAlwaysReset_ThrowsNetworkErrorAndCancels()
    {
        _stub.StubHappyPath();
        using var transport = new HttpClient(new ResetFirstPartHandler(new SocketsHttpHandler(), everyPart: true)) { Timeout = Timeout.InfiniteTimeSpan };
        var sut = new PartUploadClient(transport, _stub.Options(o => o.Retry.MaxAttempts = 3), AccessTokenSource.FromToken(BlobApiStub.Token));

        var ex = await Should.ThrowAsync<PartUploadException>(() => UploadAsync(sut, BlobApiStub.Data(1000)));

        ex.ErrorCode.ShouldBe("NetworkError");
        ex.Status.ShouldBe(0);
        ex.InnerException.ShouldBeOfType<HttpRequestException>();
        _stub.Requests("DELETE", BlobApiStub.UploadPath).ShouldHaveSingleItem();
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("not json")]
    [InlineData("""{"links":{"uploadPart":{"href":"/p","method":"FOO"},"complete":{"href":"/c"},"status":{"href":"/s"},"delete":{"href":"/d"}}}""")]
    [InlineData("""{"links":{"uploadPart":{"href":"relative/p"},"complete":{"href":"/c"},"status":{"href":"/s"},"delete":{"href":"/d"}}}""")]
    public async Task UploadAsync_StartAnswerMalformed_ThrowsTypedErrorWithoutRetry(string body)
    {
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.StartPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body));
        PartUploadClient sut = CreateSut();

        var ex = await Should.ThrowAsync<PartUploadException>(() => UploadAsync(sut, BlobApiStub.Data(1000)));

        ex.ErrorCode.ShouldBeOneOf("MalformedResponse", "InvalidLink");
        _stub.Entries.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task UploadAsync_CancelledWhileWaitingForStatus_CallsDelete()
    {
        using var cts = new CancellationTokenSource();
        _stub.StubStart();
        _stub.StubParts();
        _stub.StubComplete();
        _stub.StubDelete();
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.UploadPath).UsingGet())
            .RespondWith(Response.Create().WithCallback(_ =>
            {
                cts.Cancel();
                return new WireMock.ResponseMessage { StatusCode = 200, BodyData = new WireMock.Util.BodyData { BodyAsString = """{"status":"processing"}""", DetectedBodyType = WireMock.Types.BodyType.String } };
            }));
        PartUploadClient sut = CreateSut();

        Exception? ex = await Record.ExceptionAsync(() => UploadAsync(sut, BlobApiStub.Data(1000), cts.Token));

        ex.ShouldBeAssignableTo<OperationCanceledException>();
        _stub.Requests("DELETE", BlobApiStub.UploadPath).ShouldHaveSingleItem();
        ex.Data[PartUploadExceptionData.CancelledOnServer].ShouldBe(true);
        ex.Data[PartUploadExceptionData.UploadId].ShouldNotBeNull();
        ex.Data.Contains(PartUploadExceptionData.BlobStored).ShouldBeFalse();
    }

    [Fact]
    public async Task UploadAsync_CancelReachesTheServiceAfterItCompleted_SaysTheBlobIsStored()
    {
        using var cts = new CancellationTokenSource();
        _stub.StubStart();
        _stub.StubParts();
        _stub.StubComplete();
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.UploadPath).UsingDelete())
            .RespondWith(Response.Create().WithStatusCode(404));
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.UploadPath).UsingGet()).InScenario("late").WillSetStateTo("completed")
            .RespondWith(Response.Create().WithCallback(_ =>
            {
                cts.Cancel();
                return new WireMock.ResponseMessage { StatusCode = 200, BodyData = new WireMock.Util.BodyData { BodyAsString = """{"status":"processing"}""", DetectedBodyType = WireMock.Types.BodyType.String } };
            }));
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.UploadPath).UsingGet()).InScenario("late").WhenStateIs("completed")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"status":"completed"}"""));
        PartUploadClient sut = CreateSut();

        Exception? ex = await Record.ExceptionAsync(() => UploadAsync(sut, BlobApiStub.Data(1000), cts.Token));

        ex.ShouldBeAssignableTo<OperationCanceledException>();
        _stub.Requests("DELETE", BlobApiStub.UploadPath).ShouldHaveSingleItem();
        ex.Data[PartUploadExceptionData.CancelledOnServer].ShouldBe(false, "the service had completed the upload: nothing was cancelled");
        ex.Data[PartUploadExceptionData.BlobStored].ShouldBe(true);
    }

    /// <summary>Fails the first attempt of part number 1 the way a reset connection does, before it reaches the server.</summary>
    private sealed class ResetFirstPartHandler(HttpMessageHandler inner, bool everyPart = false) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            request.RequestUri!.AbsolutePath.EndsWith("/parts", StringComparison.Ordinal)
                && (everyPart || request.RequestUri.Query.Contains("partNumber=1&", StringComparison.Ordinal) || request.RequestUri.Query.EndsWith("partNumber=1", StringComparison.Ordinal))
                ? throw new HttpRequestException("Connection reset by peer", new IOException("reset"))
                : base.SendAsync(request, cancellationToken);
    }

    private sealed class CancelOnFirstReport(CancellationTokenSource cts) : IProgress<UploadProgress>
    {
        public void Report(UploadProgress value) => cts.Cancel();
    }
}
