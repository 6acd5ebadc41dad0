using System.Net;
using Microsoft.Extensions.DependencyInjection;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace PartUploader.IntegrationTests.Engine;

/// <summary>Sources (file, seekable and non-seekable streams), numbering policies, single-PUT retries, token refresh and blob operations on the wire.</summary>
public sealed class UploadSourcesContractTests : IClassFixture<BlobServerFixture>, IDisposable
{
    private const int MiB = 1024 * 1024;
    private readonly BlobApiStub _stub;
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan };

    public UploadSourcesContractTests(BlobServerFixture fixture)
    {
        fixture.Server.Reset();
        _stub = new BlobApiStub(fixture.Server, fixture.Url);
    }

    public void Dispose() => _http.Dispose();

    private PartUploadClient CreateSut(Action<PartUploadClientOptions>? configure = null, AccessTokenSource? tokens = null) =>
        new(_http, _stub.Options(configure), tokens ?? AccessTokenSource.FromToken(BlobApiStub.Token));

    private byte[] Received() =>
        _stub.PartRequests.OrderBy(BlobApiStub.PartNumber).SelectMany(BlobApiStub.Body).ToArray();

    [Fact]
    public async Task UploadAsync_ReservedNumbering_RetryUsesNextNumberOfItsOwnRange()
    {
        _stub.StubHappyPath();
        _stub.StubPart(1, 503);
        PartUploadClient sut = CreateSut(o => { o.PartNumbering = PartNumbering.Reserved; o.ReservedNumbersPerPart = 4; o.VerifyRetriedParts = false; });
        using var stream = new MemoryStream(BlobApiStub.Data((5 * MiB) + 10));

        PartUploadResult result = await sut.UploadAsync(stream, BlobApiStub.Upload());

        _stub.PartRequests.Select(BlobApiStub.PartNumber).Order().ShouldBe([1, 2, 5]);
        BlobApiStub.CompletedParts(_stub.Requests("PUT", BlobApiStub.UploadPath).ShouldHaveSingleItem()).Select(p => p.Number).ShouldBe([2, 5]);
        result.PartNumbers.ShouldBe([2, 5]);
    }

    [Fact]
    public async Task UploadAsync_File_PartsCarryTheFileBytesInOrder()
    {
        _stub.StubHappyPath();
        byte[] data = BlobApiStub.Data((10 * MiB) + 17, seed: 5);
        string path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, data);
            PartUploadClient sut = CreateSut();

            PartUploadResult result = await sut.UploadAsync(path, BlobApiStub.Upload());

            result.Size.ShouldBe(data.Length);
            result.PartNumbers.ShouldBe([1, 2, 3]);
            BlobApiStub.ShouldBeBytes(Received(), data);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task UploadAsync_NonSeekableStream_UploadsEveryByteInOrder()
    {
        _stub.StubHappyPath();
        byte[] data = BlobApiStub.Data((5 * MiB) + 100, seed: 6);
        PartUploadClient sut = CreateSut();
        using var stream = new NonSeekableStream(data);

        PartUploadResult result = await sut.UploadAsync(stream, BlobApiStub.Upload(forceMultipart: false));

        result.Multipart.ShouldBeTrue();
        result.Size.ShouldBe(data.Length);
        BlobApiStub.ShouldBeBytes(Received(), data);
        BlobApiStub.CompletedParts(_stub.Requests("PUT", BlobApiStub.UploadPath).ShouldHaveSingleItem()).Select(p => p.Number).ShouldBe([1, 2]);
    }

    [Fact]
    public async Task UploadAsync_NonSeekableSmallStream_GoesAsSinglePut()
    {
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.BlobPath).UsingPut()).RespondWith(Response.Create().WithStatusCode(200));
        byte[] data = BlobApiStub.Data(1000, seed: 7);
        PartUploadClient sut = CreateSut();
        using var stream = new NonSeekableStream(data);

        PartUploadResult result = await sut.UploadAsync(stream, BlobApiStub.Upload(forceMultipart: false));

        result.Multipart.ShouldBeFalse();
        ILogEntry put = _stub.Entries.ShouldHaveSingleItem();
        BlobApiStub.Body(put).ShouldBe(data);
        BlobApiStub.Header(put, "Content-Length").ShouldBe("1000");
        BlobApiStub.Header(put, "X-HERE-Digest")!.ShouldStartWith("CRC-32C:");
    }

    [Fact]
    public async Task UploadAsync_StreamPositionedPastStart_UploadsFromPosition()
    {
        _stub.StubHappyPath();
        byte[] data = BlobApiStub.Data(2000, seed: 8);
        PartUploadClient sut = CreateSut();
        using var stream = new MemoryStream(data) { Position = 500 };

        PartUploadResult result = await sut.UploadAsync(stream, BlobApiStub.Upload());

        result.Size.ShouldBe(1500);
        BlobApiStub.ShouldBeBytes(Received(), data[500..]);
    }

    [Fact]
    public async Task UploadAsync_SinglePut503Then200_Retried()
    {
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.BlobPath).UsingPut()).AtPriority(10).RespondWith(Response.Create().WithStatusCode(200));
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.BlobPath).UsingPut()).AtPriority(1).InScenario("put").WillSetStateTo("ok")
            .RespondWith(Response.Create().WithStatusCode(503));
        PartUploadClient sut = CreateSut();
        byte[] data = BlobApiStub.Data(1000);
        using var stream = new MemoryStream(data);

        PartUploadResult result = await sut.UploadAsync(stream, BlobApiStub.Upload(forceMultipart: false));

        result.Retries.ShouldBe(1);
        IReadOnlyList<ILogEntry> puts = _stub.Requests("PUT", BlobApiStub.BlobPath);
        puts.Count.ShouldBe(2);
        BlobApiStub.Body(puts[1]).ShouldBe(data);
    }

    [Fact]
    public async Task UploadAsync_SinglePut409_ThrowsBlobAlreadyExists()
    {
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.BlobPath).UsingPut()).RespondWith(Response.Create().WithStatusCode(409));
        PartUploadClient sut = CreateSut();
        using var stream = new MemoryStream(BlobApiStub.Data(1000));

        await Should.ThrowAsync<BlobAlreadyExistsException>(() => sut.UploadAsync(stream, BlobApiStub.Upload(forceMultipart: false)));

        _stub.Entries.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task UploadAsync_Part400Twice_ThrowsDigestRejectedAfterOneFreshRetry()
    {
        _stub.StubHappyPath();
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.PartsPath).UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(400));
        PartUploadClient sut = CreateSut();
        using var stream = new MemoryStream(BlobApiStub.Data(1000));

        var ex = await Should.ThrowAsync<PartChecksumMismatchException>(() => sut.UploadAsync(stream, BlobApiStub.Upload()));

        ex.ErrorCode.ShouldBe("DigestRejected");
        _stub.PartRequests.Select(BlobApiStub.PartNumber).Order().ShouldBe([1, 2]);
        _stub.Requests("DELETE", BlobApiStub.UploadPath).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task UploadAsync_Part401_RefreshesTokenAndRetriesUnderFreshNumber()
    {
        _stub.StubHappyPath();
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.PartsPath).WithHeader("Authorization", "Bearer tok-1").UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(401));
        var tokens = new RefreshCountingTokens();
        PartUploadClient sut = CreateSut(o => o.VerifyRetriedParts = false, tokens.Source);
        using var stream = new MemoryStream(BlobApiStub.Data(1000));

        PartUploadResult result = await sut.UploadAsync(stream, BlobApiStub.Upload());

        ILogEntry[] parts = _stub.PartRequests.OrderBy(BlobApiStub.PartNumber).ToArray();
        parts.Select(BlobApiStub.PartNumber).ShouldBe([1, 2]);
        BlobApiStub.Header(parts[1], "Authorization").ShouldBe("Bearer tok-2");
        result.PartNumbers.ShouldBe([2]);
        tokens.Refreshes.ShouldBe(1);
    }

    [Fact]
    public async Task UploadAsync_Complete503Then204_Retried()
    {
        _stub.StubHappyPath();
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.UploadPath).UsingPut()).AtPriority(1).InScenario("complete").WillSetStateTo("ok")
            .RespondWith(Response.Create().WithStatusCode(503));
        PartUploadClient sut = CreateSut();
        using var stream = new MemoryStream(BlobApiStub.Data(1000));

        await sut.UploadAsync(stream, BlobApiStub.Upload());

        IReadOnlyList<ILogEntry> completes = _stub.Requests("PUT", BlobApiStub.UploadPath);
        completes.Count.ShouldBe(2);
        BlobApiStub.Body(completes[1]).ShouldBe(BlobApiStub.Body(completes[0]));
    }

    [Theory]
    [InlineData(200, true)]
    [InlineData(404, false)]
    public async Task ExistsAsync_HeadStatus_TellsWhetherBlobExists(int status, bool expected)
    {
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.BlobPath).UsingHead()).RespondWith(Response.Create().WithStatusCode(status));
        PartUploadClient sut = CreateSut();

        bool exists = await sut.ExistsAsync(BlobApiStub.Layer, BlobApiStub.Handle);

        exists.ShouldBe(expected);
        BlobApiStub.Header(_stub.Entries.ShouldHaveSingleItem(), "Authorization").ShouldBe("Bearer " + BlobApiStub.Token);
    }

    [Fact]
    public async Task DownloadToAsync_Blob_WritesEveryByte()
    {
        byte[] data = BlobApiStub.Data(70_000);
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.BlobPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/octet-stream").WithBody(data));
        PartUploadClient sut = CreateSut();
        using var destination = new MemoryStream();

        long written = await sut.DownloadToAsync(BlobApiStub.Layer, BlobApiStub.Handle, destination);

        written.ShouldBe(data.Length);
        destination.ToArray().ShouldBe(data);
    }

    [Fact]
    public async Task DownloadToAsync_RedirectToOtherHost_FollowedWithoutToken()
    {
        byte[] data = BlobApiStub.Data(100);
        var server = new Uri(_stub.ServerUrl);
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.BlobPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(307).WithHeader("Location", $"http://localhost:{server.Port}/storage/object?X-Sig=abc"));
        _stub.Server.Given(Request.Create().WithPath("/storage/object").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(data));
        PartUploadClient sut = CreateSut();
        using var destination = new MemoryStream();

        await sut.DownloadToAsync(BlobApiStub.Layer, BlobApiStub.Handle, destination);

        destination.ToArray().ShouldBe(data);
        ILogEntry storage = _stub.Requests("GET", "/storage/object").ShouldHaveSingleItem();
        BlobApiStub.Header(storage, "Authorization").ShouldBeNull();
        BlobApiStub.Query(storage, "X-Sig").ShouldBe("abc");
    }

    [Fact]
    public async Task DeleteAsync_Forbidden_ThrowsWithStatus()
    {
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.BlobPath).UsingDelete()).RespondWith(Response.Create().WithStatusCode(403));
        PartUploadClient sut = CreateSut();

        var ex = await Should.ThrowAsync<PartUploadException>(() => sut.DeleteAsync(BlobApiStub.Layer, BlobApiStub.Handle));

        ex.Status.ShouldBe(403);
        ex.Operation.ShouldBe("DeleteBlob");
    }

    [Fact]
    public async Task DeleteAsync_Accepted_Succeeds()
    {
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.BlobPath).UsingDelete()).RespondWith(Response.Create().WithStatusCode(202));
        PartUploadClient sut = CreateSut();

        await sut.DeleteAsync(BlobApiStub.Layer, BlobApiStub.Handle);

        _stub.Requests("DELETE", BlobApiStub.BlobPath).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task UploadAsync_NonSeekableExactMultipleOfPartSize_NoEmptyTrailingPart()
    {
        _stub.StubHappyPath();
        byte[] data = BlobApiStub.Data(10 * MiB, seed: 9);
        PartUploadClient sut = CreateSut();
        using var stream = new NonSeekableStream(data);

        PartUploadResult result = await sut.UploadAsync(stream, BlobApiStub.Upload(forceMultipart: false));

        result.PartNumbers.ShouldBe([1, 2]);
        _stub.PartRequests.Count.ShouldBe(2);
        BlobApiStub.ShouldBeBytes(Received(), data);
    }

    [Fact]
    public async Task UploadAsync_EmptyStream_SinglePutWithZeroLength()
    {
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.BlobPath).UsingPut()).RespondWith(Response.Create().WithStatusCode(200));
        PartUploadClient sut = CreateSut();
        using var stream = new MemoryStream();

        PartUploadResult result = await sut.UploadAsync(stream, BlobApiStub.Upload(forceMultipart: false));

        result.Size.ShouldBe(0);
        ILogEntry put = _stub.Entries.ShouldHaveSingleItem();
        BlobApiStub.Header(put, "Content-Length").ShouldBe("0");
        BlobApiStub.Header(put, "X-HERE-Digest").ShouldBe("CRC-32C:00000000");
    }

    [Fact]
    public async Task UploadAsync_EmptyStreamForcedMultipart_OneEmptyPart()
    {
        _stub.StubHappyPath();
        PartUploadClient sut = CreateSut();
        using var stream = new MemoryStream();

        PartUploadResult result = await sut.UploadAsync(stream, BlobApiStub.Upload());

        result.PartNumbers.ShouldBe([1]);
        BlobApiStub.Header(_stub.PartRequests.ShouldHaveSingleItem(), "Content-Length").ShouldBe("0");
    }

    [Fact]
    public async Task UploadAsync_FileWithWholeBlobDigests_DigestsCoverWholeFile()
    {
        _stub.StubHappyPath();
        byte[] data = BlobApiStub.Data((10 * MiB) + 3, seed: 10);
        string path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, data);
            PartUploadClient sut = CreateSut(o => o.MaxConcurrency = 3);
            PartUploadOptions options = BlobApiStub.Upload();
            options.WholeBlobDigests = WholeBlobDigests.Sha256 | WholeBlobDigests.Md5;

            PartUploadResult result = await sut.UploadAsync(path, options);

            result.Sha256.ShouldBe(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(data)));
#pragma warning disable CA5351 // MD5 is the oracle of an integrity digest.
            result.Md5.ShouldBe(Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(data)));
#pragma warning restore CA5351
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task UploadAsync_StreamShorterThanItsLength_ThrowsSourceTooShort()
    {
        _stub.StubHappyPath();
        PartUploadClient sut = CreateSut();
        using var stream = new LyingLengthStream(BlobApiStub.Data(500), claimedLength: 1000);

        var ex = await Should.ThrowAsync<SourceChangedException>(() => sut.UploadAsync(stream, BlobApiStub.Upload()));

        ex.ErrorCode.ShouldBe("SourceTooShort");
        _stub.Requests("PUT", BlobApiStub.UploadPath).ShouldBeEmpty();
    }

    [Fact]
    public async Task UploadAsync_AlreadyCancelled_SendsNothing()
    {
        _stub.StubHappyPath();
        PartUploadClient sut = CreateSut();
        using var stream = new MemoryStream(BlobApiStub.Data(1000));
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        Exception? ex = await Record.ExceptionAsync(() => sut.UploadAsync(stream, BlobApiStub.Upload(), cts.Token));

        ex.ShouldBeAssignableTo<OperationCanceledException>();
        _stub.Entries.ShouldBeEmpty();
    }

    [Fact]
    public async Task UploadAsync_RetryBudgetOne_StopsAfterOneRetryOverall()
    {
        _stub.StubHappyPath();
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.PartsPath).UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(503));
        PartUploadClient sut = CreateSut(o => { o.Retry.RetryBudget = 1; o.Retry.MaxAttempts = 5; });
        using var stream = new MemoryStream(BlobApiStub.Data(1000));

        var ex = await Should.ThrowAsync<PartUploadException>(() => sut.UploadAsync(stream, BlobApiStub.Upload()));

        ex.Status.ShouldBe(503);
        _stub.PartRequests.Count.ShouldBe(2);
    }

    [Theory]
    [InlineData(206)]
    [InlineData(200)]
    public async Task UploadAsync_RetriedSecondPart_ReadsBackItsRangeAtOffset(int readBackStatus)
    {
        byte[] data = BlobApiStub.Data((5 * MiB) + 300, seed: 12);
        _stub.StubHappyPath();
        _stub.StubPart(2, 503);
        byte[] body = readBackStatus == 206 ? data[(5 * MiB)..] : data;
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.BlobPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(readBackStatus).WithBody(body));
        PartUploadClient sut = CreateSut();
        using var stream = new MemoryStream(data);

        PartUploadResult result = await sut.UploadAsync(stream, BlobApiStub.Upload());

        result.VerifiedRanges.ShouldBe(1);
        result.PartNumbers.ShouldBe([1, 3]);
        BlobApiStub.Header(_stub.Requests("GET", BlobApiStub.BlobPath).ShouldHaveSingleItem(), "Range").ShouldBe($"bytes={5 * MiB}-{(5 * MiB) + 299}");
    }

    [Fact]
    public async Task UploadAsync_FullReadBackDiffers_ThrowsReadBackMismatch()
    {
        byte[] data = BlobApiStub.Data(3000, seed: 13);
        byte[] wrong = (byte[])data.Clone();
        wrong[^1] ^= 1;
        _stub.StubHappyPath();
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.BlobPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(206).WithBody(wrong));
        PartUploadClient sut = CreateSut(o => o.VerifyFullReadBack = true);
        using var stream = new MemoryStream(data);

        var ex = await Should.ThrowAsync<PartChecksumMismatchException>(() => sut.UploadAsync(stream, BlobApiStub.Upload()));

        ex.ErrorCode.ShouldBe("ReadBackMismatch");
        BlobApiStub.Header(_stub.Requests("GET", BlobApiStub.BlobPath).ShouldHaveSingleItem(), "Range").ShouldBe("bytes=0-2999");
    }

    [Fact]
    public async Task UploadAsync_Start401_RefreshesTokenAndResendsSameBody()
    {
        _stub.StubHappyPath();
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.StartPath).WithHeader("Authorization", "Bearer tok-1").UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(401));
        var tokens = new RefreshCountingTokens();
        PartUploadClient sut = CreateSut(tokens: tokens.Source);
        using var stream = new MemoryStream(BlobApiStub.Data(1000));

        await sut.UploadAsync(stream, BlobApiStub.Upload());

        IReadOnlyList<ILogEntry> starts = _stub.Requests("POST", BlobApiStub.StartPath);
        starts.Count.ShouldBe(2);
        BlobApiStub.Header(starts[1], "Authorization").ShouldBe("Bearer tok-2");
        BlobApiStub.ShouldBeBytes(BlobApiStub.Body(starts[1]), BlobApiStub.Body(starts[0]));
        tokens.Refreshes.ShouldBe(1);
    }

    [Fact]
    public async Task UploadAsync_BillingTag_SentOnEveryCall()
    {
        byte[] data = BlobApiStub.Data(1000);
        _stub.StubHappyPath();
        _stub.StubPart(1, 503);
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.BlobPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(206).WithBody(data));
        PartUploadClient sut = CreateSut(o => o.BillingTag = "Bill1234");
        using var stream = new MemoryStream(data);

        await sut.UploadAsync(stream, BlobApiStub.Upload());

        _stub.Entries.Count.ShouldBeGreaterThanOrEqualTo(6);
        _stub.Entries.ShouldAllBe(e => BlobApiStub.Query(e, "billingTag") == "Bill1234");
        _stub.PartRequests.ShouldAllBe(e => BlobApiStub.Query(e, "sig") == "link-SECRET-q");
    }

    [Fact]
    public async Task UploadAsync_ContentEncoding_DeclaredInStartBody()
    {
        _stub.StubHappyPath();
        PartUploadClient sut = CreateSut();
        using var stream = new MemoryStream(BlobApiStub.Data(1000));
        PartUploadOptions options = BlobApiStub.Upload();
        options.ContentEncoding = "gzip";

        await sut.UploadAsync(stream, options);

        using var body = System.Text.Json.JsonDocument.Parse(BlobApiStub.Body(_stub.Requests("POST", BlobApiStub.StartPath).ShouldHaveSingleItem()));
        body.RootElement.GetProperty("contentEncoding").GetString().ShouldBe("gzip");
    }

    [Fact]
    public async Task UploadAsync_NoContentEncoding_OmittedFromStartBody()
    {
        _stub.StubHappyPath();
        PartUploadClient sut = CreateSut();
        using var stream = new MemoryStream(BlobApiStub.Data(1000));

        await sut.UploadAsync(stream, BlobApiStub.Upload());

        using var body = System.Text.Json.JsonDocument.Parse(BlobApiStub.Body(_stub.Requests("POST", BlobApiStub.StartPath).ShouldHaveSingleItem()));
        body.RootElement.TryGetProperty("contentEncoding", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task UploadAsync_CompleteRetryAnswered409ButStatusCompleted_Succeeds()
    {
        _stub.StubHappyPath();
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.UploadPath).UsingPut()).AtPriority(1).InScenario("lost").WillSetStateTo("done")
            .RespondWith(Response.Create().WithStatusCode(503));
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.UploadPath).UsingPut()).AtPriority(1).InScenario("lost").WhenStateIs("done")
            .RespondWith(Response.Create().WithStatusCode(409));
        PartUploadClient sut = CreateSut();
        using var stream = new MemoryStream(BlobApiStub.Data(1000));

        PartUploadResult result = await sut.UploadAsync(stream, BlobApiStub.Upload());

        result.Size.ShouldBe(1000);
        _stub.Requests("PUT", BlobApiStub.UploadPath).Count.ShouldBe(2);
        _stub.Requests("DELETE", BlobApiStub.UploadPath).ShouldBeEmpty();
    }

    [Fact]
    public async Task UploadAsync_Complete409OnFirstAttempt_ThrowsBlobAlreadyExists()
    {
        _stub.StubHappyPath();
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.UploadPath).UsingPut()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(409));
        PartUploadClient sut = CreateSut();
        using var stream = new MemoryStream(BlobApiStub.Data(1000));

        await Should.ThrowAsync<BlobAlreadyExistsException>(() => sut.UploadAsync(stream, BlobApiStub.Upload()));

        _stub.Requests("DELETE", BlobApiStub.UploadPath).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task AddPartUploader_ResolvedClient_UploadsThroughHttpClientFactory()
    {
        _stub.StubHappyPath();
        var services = new ServiceCollection();
        services.AddSingleton(AccessTokenSource.FromToken(BlobApiStub.Token));
        services.AddPartUploader(o =>
        {
            o.BaseUrl = _stub.BaseUrl;
            o.PartSize = 5L * MiB;
            o.MaxBufferedBytes = 32L * MiB;
            o.SingleShotThreshold = MiB;
            o.Retry.BaseDelay = TimeSpan.Zero;
            o.VerifyRetriedParts = false;
        });
        _stub.StubPart(1, 503);
        using ServiceProvider provider = services.BuildServiceProvider();
        PartUploadClient sut = provider.GetRequiredService<PartUploadClient>();
        using var stream = new MemoryStream(BlobApiStub.Data((5 * MiB) + 1));

        PartUploadResult result = await sut.UploadAsync(stream, BlobApiStub.Upload());

        result.PartNumbers.ShouldBe([3, 2]);
        _stub.Entries.ShouldAllBe(e => BlobApiStub.Header(e, "Authorization") == "Bearer " + BlobApiStub.Token);
    }

    [Fact]
    public async Task UploadAsync_BlobAboveFiftyGb_ThrowsBeforeAnyRequest()
    {
        _stub.StubHappyPath();
        PartUploadClient sut = CreateSut(o => o.PartSize = null);
        using var stream = new LyingLengthStream(BlobApiStub.Data(10), claimedLength: 50_000_000_001L);

        var ex = await Should.ThrowAsync<ArgumentOutOfRangeException>(() => sut.UploadAsync(stream, BlobApiStub.Upload()));

        ex.Message.ShouldContain("50 GB");
        _stub.Entries.ShouldBeEmpty();
    }

    [Fact]
    public async Task UploadAsync_ReservedPartSizeCannotFit_ThrowsBeforeAnyRequest()
    {
        _stub.StubHappyPath();
        PartUploadClient sut = CreateSut(o => { o.PartNumbering = PartNumbering.Reserved; o.ReservedNumbersPerPart = 100; });
        using var stream = new LyingLengthStream(BlobApiStub.Data(10), claimedLength: (100L * 5 * MiB) + 1);

        var ex = await Should.ThrowAsync<ArgumentOutOfRangeException>(() => sut.UploadAsync(stream, BlobApiStub.Upload()));

        ex.Message.ShouldContain("PartSize");
        _stub.Entries.ShouldBeEmpty();
    }

    [Fact]
    public async Task UploadAsync_InvalidDataHandle_ThrowsBeforeAnyRequest()
    {
        _stub.StubHappyPath();
        PartUploadClient sut = CreateSut();
        using var stream = new MemoryStream(BlobApiStub.Data(10));
        PartUploadOptions options = BlobApiStub.Upload();
        options.DataHandle = "bad/handle";

        await Should.ThrowAsync<ArgumentException>(() => sut.UploadAsync(stream, options));

        _stub.Entries.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task UploadAsync_SinglePutWithWholeBlobDigest_DigestCoversBlob(bool seekable)
    {
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.BlobPath).UsingPut()).RespondWith(Response.Create().WithStatusCode(200));
        byte[] data = BlobApiStub.Data(70_001, seed: 14);
        PartUploadClient sut = CreateSut();
        using Stream stream = seekable ? new MemoryStream(data) : new NonSeekableStream(data);
        PartUploadOptions options = BlobApiStub.Upload(forceMultipart: false);
        options.WholeBlobDigests = WholeBlobDigests.Sha256;

        PartUploadResult result = await sut.UploadAsync(stream, options);

        result.Multipart.ShouldBeFalse();
        result.Sha256.ShouldBe(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(data)));
        result.Crc32C.ShouldBe(System.IO.Hashing.Crc32.HashToUInt32(System.IO.Hashing.Crc32ParameterSet.Crc32C, data));
    }

    [Fact]
    public async Task UploadAsync_Complete401_RefreshesTokenAndResendsSameList()
    {
        _stub.StubHappyPath();
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.UploadPath).WithHeader("Authorization", "Bearer tok-1").UsingPut()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(401));
        var tokens = new RefreshCountingTokens();
        PartUploadClient sut = CreateSut(tokens: tokens.Source);
        using var stream = new MemoryStream(BlobApiStub.Data(1000));

        await sut.UploadAsync(stream, BlobApiStub.Upload());

        IReadOnlyList<ILogEntry> completes = _stub.Requests("PUT", BlobApiStub.UploadPath);
        completes.Count.ShouldBe(2);
        BlobApiStub.CompletedParts(completes[1]).ShouldBe([(1, "\"etag-1\"")]);
    }

    [Fact]
    public async Task UploadAsync_Part401AfterRefresh_ThrowsWithStatus401()
    {
        _stub.StubHappyPath();
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.PartsPath).UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(401));
        PartUploadClient sut = CreateSut();
        using var stream = new MemoryStream(BlobApiStub.Data(1000));

        var ex = await Should.ThrowAsync<PartUploadException>(() => sut.UploadAsync(stream, BlobApiStub.Upload()));

        ex.Status.ShouldBe(401);
        _stub.PartRequests.Select(BlobApiStub.PartNumber).Order().ShouldBe([1, 2]);
    }

    private sealed class LyingLengthStream(byte[] data, long claimedLength) : MemoryStream(data)
    {
        public override long Length => claimedLength;
    }

    private sealed class NonSeekableStream(byte[] data) : Stream
    {
        private readonly MemoryStream _inner = new(data);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 7_001));

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>Hands out "tok-1" until a refresh is forced, then "tok-2"; counts the forced refreshes.</summary>
    private sealed class RefreshCountingTokens
    {
        private int _refreshes;

        public RefreshCountingTokens() =>
            Source = AccessTokenSource.FromDelegate((force, _) =>
            {
                if (force)
                {
                    Interlocked.Increment(ref _refreshes);
                }

                return Task.FromResult(new AccessToken(Refreshes == 0 ? "tok-1" : "tok-2", DateTimeOffset.MaxValue));
            });

        public AccessTokenSource Source { get; }

        public int Refreshes => Volatile.Read(ref _refreshes);
    }
}
