using System.Net;
using Microsoft.Extensions.DependencyInjection;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace PartUploader.IntegrationTests.Engine;

/// <summary>Retries on the wire: single-PUT and complete retries, fresh and reserved part numbers, token refresh on 401, the retry budget and read-back of retried parts.</summary>
public sealed class UploadRetriesContractTests(BlobServerFixture fixture) : BlobContractTestBase(fixture)
{
    [Fact]
    public async Task UploadAsync_ReservedNumbering_RetryUsesNextNumberOfItsOwnRange()
    {
        Stub.StubHappyPath();
        Stub.StubPart(1, 503);
        PartUploadClient sut = CreateSut(o => { o.PartNumbering = PartNumbering.Reserved; o.ReservedNumbersPerPart = 4; o.VerifyRetriedParts = false; });
        using var stream = new MemoryStream(BlobApiStub.Data((5 * MiB) + 10));

        PartUploadResult result = await sut.UploadAsync(stream, BlobApiStub.Upload());

        Stub.PartRequests.Select(BlobApiStub.PartNumber).Order().ShouldBe([1, 2, 5]);
        BlobApiStub.CompletedParts(Stub.Requests("PUT", BlobApiStub.UploadPath).ShouldHaveSingleItem()).Select(p => p.Number).ShouldBe([2, 5]);
        result.PartNumbers.ShouldBe([2, 5]);
    }

    [Fact]
    public async Task UploadAsync_SinglePut503Then200_Retried()
    {
        Stub.Server.Given(Request.Create().WithPath(BlobApiStub.BlobPath).UsingPut()).AtPriority(10).RespondWith(Response.Create().WithStatusCode(200));
        Stub.Server.Given(Request.Create().WithPath(BlobApiStub.BlobPath).UsingPut()).AtPriority(1).InScenario("put").WillSetStateTo("ok")
            .RespondWith(Response.Create().WithStatusCode(503));
        PartUploadClient sut = CreateSut();
        byte[] data = BlobApiStub.Data(1000);
        using var stream = new MemoryStream(data);

        PartUploadResult result = await sut.UploadAsync(stream, BlobApiStub.Upload(forceMultipart: false));

        result.Retries.ShouldBe(1);
        IReadOnlyList<ILogEntry> puts = Stub.Requests("PUT", BlobApiStub.BlobPath);
        puts.Count.ShouldBe(2);
        BlobApiStub.Body(puts[1]).ShouldBe(data);
    }

    [Fact]
    public async Task UploadAsync_SinglePut409_ThrowsBlobAlreadyExists()
    {
        Stub.Server.Given(Request.Create().WithPath(BlobApiStub.BlobPath).UsingPut()).RespondWith(Response.Create().WithStatusCode(409));
        PartUploadClient sut = CreateSut();
        using var stream = new MemoryStream(BlobApiStub.Data(1000));

        await Should.ThrowAsync<BlobAlreadyExistsException>(() => sut.UploadAsync(stream, BlobApiStub.Upload(forceMultipart: false)));

        Stub.Entries.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task UploadAsync_Part400Twice_ThrowsDigestRejectedAfterOneFreshRetry()
    {
        Stub.StubHappyPath();
        Stub.Server.Given(Request.Create().WithPath(BlobApiStub.PartsPath).UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(400));
        PartUploadClient sut = CreateSut();
        using var stream = new MemoryStream(BlobApiStub.Data(1000));

        var ex = await Should.ThrowAsync<PartChecksumMismatchException>(() => sut.UploadAsync(stream, BlobApiStub.Upload()));

        ex.ErrorCode.ShouldBe("DigestRejected");
        Stub.PartRequests.Select(BlobApiStub.PartNumber).Order().ShouldBe([1, 2]);
        Stub.Requests("DELETE", BlobApiStub.UploadPath).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task UploadAsync_Part401_RefreshesTokenAndRetriesUnderFreshNumber()
    {
        Stub.StubHappyPath();
        Stub.Server.Given(Request.Create().WithPath(BlobApiStub.PartsPath).WithHeader("Authorization", "Bearer tok-1").UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(401));
        var tokens = new RefreshCountingTokens();
        PartUploadClient sut = CreateSut(o => o.VerifyRetriedParts = false, tokens.Source);
        using var stream = new MemoryStream(BlobApiStub.Data(1000));

        PartUploadResult result = await sut.UploadAsync(stream, BlobApiStub.Upload());

        ILogEntry[] parts = Stub.PartRequests.OrderBy(BlobApiStub.PartNumber).ToArray();
        parts.Select(BlobApiStub.PartNumber).ShouldBe([1, 2]);
        BlobApiStub.Header(parts[1], "Authorization").ShouldBe("Bearer tok-2");
        result.PartNumbers.ShouldBe([2]);
        tokens.Refreshes.ShouldBe(1);
    }

    [Fact]
    public async Task UploadAsync_Complete503Then204_Retried()
    {
        Stub.StubHappyPath();
        Stub.Server.Given(Request.Create().WithPath(BlobApiStub.UploadPath).UsingPut()).AtPriority(1).InScenario("complete").WillSetStateTo("ok")
            .RespondWith(Response.Create().WithStatusCode(503));
        PartUploadClient sut = CreateSut();
        using var stream = new MemoryStream(BlobApiStub.Data(1000));

        await sut.UploadAsync(stream, BlobApiStub.Upload());

        IReadOnlyList<ILogEntry> completes = Stub.Requests("PUT", BlobApiStub.UploadPath);
        completes.Count.ShouldBe(2);
        BlobApiStub.Body(completes[1]).ShouldBe(BlobApiStub.Body(completes[0]));
    }

    [Fact]
    public async Task UploadAsync_RetryBudgetOne_StopsAfterOneRetryOverall()
    {
        Stub.StubHappyPath();
        Stub.Server.Given(Request.Create().WithPath(BlobApiStub.PartsPath).UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(503));
        PartUploadClient sut = CreateSut(o => { o.Retry.RetryBudget = 1; o.Retry.MaxAttempts = 5; });
        using var stream = new MemoryStream(BlobApiStub.Data(1000));

        var ex = await Should.ThrowAsync<PartUploadException>(() => sut.UploadAsync(stream, BlobApiStub.Upload()));

        ex.Status.ShouldBe(503);
        Stub.PartRequests.Count.ShouldBe(2);
    }

    [Theory]
    [InlineData(206)]
    [InlineData(200)]
    public async Task UploadAsync_RetriedSecondPart_ReadsBackItsRangeAtOffset(int readBackStatus)
    {
        byte[] data = BlobApiStub.Data((5 * MiB) + 300, seed: 12);
        Stub.StubHappyPath();
        Stub.StubPart(2, 503);
        byte[] body = readBackStatus == 206 ? data[(5 * MiB)..] : data;
        Stub.Server.Given(Request.Create().WithPath(BlobApiStub.BlobPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(readBackStatus).WithBody(body));
        PartUploadClient sut = CreateSut();
        using var stream = new MemoryStream(data);

        PartUploadResult result = await sut.UploadAsync(stream, BlobApiStub.Upload());

        result.VerifiedRanges.ShouldBe(1);
        result.PartNumbers.ShouldBe([1, 3]);
        BlobApiStub.Header(Stub.Requests("GET", BlobApiStub.BlobPath).ShouldHaveSingleItem(), "Range").ShouldBe($"bytes={5 * MiB}-{(5 * MiB) + 299}");
    }

    [Fact]
    public async Task UploadAsync_FullReadBackDiffers_ThrowsReadBackMismatch()
    {
        byte[] data = BlobApiStub.Data(3000, seed: 13);
        byte[] wrong = (byte[])data.Clone();
        wrong[^1] ^= 1;
        Stub.StubHappyPath();
        Stub.Server.Given(Request.Create().WithPath(BlobApiStub.BlobPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(206).WithBody(wrong));
        PartUploadClient sut = CreateSut(o => o.VerifyFullReadBack = true);
        using var stream = new MemoryStream(data);

        var ex = await Should.ThrowAsync<PartChecksumMismatchException>(() => sut.UploadAsync(stream, BlobApiStub.Upload()));

        ex.ErrorCode.ShouldBe("ReadBackMismatch");
        BlobApiStub.Header(Stub.Requests("GET", BlobApiStub.BlobPath).ShouldHaveSingleItem(), "Range").ShouldBe("bytes=0-2999");
    }

    [Fact]
    public async Task UploadAsync_Start401_RefreshesTokenAndResendsSameBody()
    {
        Stub.StubHappyPath();
        Stub.Server.Given(Request.Create().WithPath(BlobApiStub.StartPath).WithHeader("Authorization", "Bearer tok-1").UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(401));
        var tokens = new RefreshCountingTokens();
        PartUploadClient sut = CreateSut(tokens: tokens.Source);
        using var stream = new MemoryStream(BlobApiStub.Data(1000));

        await sut.UploadAsync(stream, BlobApiStub.Upload());

        IReadOnlyList<ILogEntry> starts = Stub.Requests("POST", BlobApiStub.StartPath);
        starts.Count.ShouldBe(2);
        BlobApiStub.Header(starts[1], "Authorization").ShouldBe("Bearer tok-2");
        BlobApiStub.ShouldBeBytes(BlobApiStub.Body(starts[1]), BlobApiStub.Body(starts[0]));
        tokens.Refreshes.ShouldBe(1);
    }

    [Fact]
    public async Task UploadAsync_CompleteRetryAnswered409ButStatusCompleted_Succeeds()
    {
        Stub.StubHappyPath();
        Stub.Server.Given(Request.Create().WithPath(BlobApiStub.UploadPath).UsingPut()).AtPriority(1).InScenario("lost").WillSetStateTo("done")
            .RespondWith(Response.Create().WithStatusCode(503));
        Stub.Server.Given(Request.Create().WithPath(BlobApiStub.UploadPath).UsingPut()).AtPriority(1).InScenario("lost").WhenStateIs("done")
            .RespondWith(Response.Create().WithStatusCode(409));
        PartUploadClient sut = CreateSut();
        using var stream = new MemoryStream(BlobApiStub.Data(1000));

        PartUploadResult result = await sut.UploadAsync(stream, BlobApiStub.Upload());

        result.Size.ShouldBe(1000);
        Stub.Requests("PUT", BlobApiStub.UploadPath).Count.ShouldBe(2);
        Stub.Requests("DELETE", BlobApiStub.UploadPath).ShouldBeEmpty();
    }

    [Fact]
    public async Task UploadAsync_Complete409OnFirstAttempt_ThrowsBlobAlreadyExists()
    {
        Stub.StubHappyPath();
        Stub.Server.Given(Request.Create().WithPath(BlobApiStub.UploadPath).UsingPut()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(409));
        PartUploadClient sut = CreateSut();
        using var stream = new MemoryStream(BlobApiStub.Data(1000));

        await Should.ThrowAsync<BlobAlreadyExistsException>(() => sut.UploadAsync(stream, BlobApiStub.Upload()));

        Stub.Requests("DELETE", BlobApiStub.UploadPath).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task UploadAsync_Complete401_RefreshesTokenAndResendsSameList()
    {
        Stub.StubHappyPath();
        Stub.Server.Given(Request.Create().WithPath(BlobApiStub.UploadPath).WithHeader("Authorization", "Bearer tok-1").UsingPut()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(401));
        var tokens = new RefreshCountingTokens();
        PartUploadClient sut = CreateSut(tokens: tokens.Source);
        using var stream = new MemoryStream(BlobApiStub.Data(1000));

        await sut.UploadAsync(stream, BlobApiStub.Upload());

        IReadOnlyList<ILogEntry> completes = Stub.Requests("PUT", BlobApiStub.UploadPath);
        completes.Count.ShouldBe(2);
        BlobApiStub.CompletedParts(completes[1]).ShouldBe([(1, "\"etag-1\"")]);
    }

    [Fact]
    public async Task UploadAsync_Part401AfterRefresh_ThrowsWithStatus401()
    {
        Stub.StubHappyPath();
        Stub.Server.Given(Request.Create().WithPath(BlobApiStub.PartsPath).UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(401));
        PartUploadClient sut = CreateSut();
        using var stream = new MemoryStream(BlobApiStub.Data(1000));

        var ex = await Should.ThrowAsync<PartUploadException>(() => sut.UploadAsync(stream, BlobApiStub.Upload()));

        ex.Status.ShouldBe(401);
        Stub.PartRequests.Select(BlobApiStub.PartNumber).Order().ShouldBe([1, 2]);
    }
}
