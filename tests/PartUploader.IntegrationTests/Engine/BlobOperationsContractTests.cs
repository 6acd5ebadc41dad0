using System.Net;
using Microsoft.Extensions.DependencyInjection;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace PartUploader.IntegrationTests.Engine;

/// <summary>Blob operations and request details on the wire: exists, download (redirects without the token), delete, billing tag, content encoding, and the client from IHttpClientFactory.</summary>
public sealed class BlobOperationsContractTests(BlobServerFixture fixture) : BlobContractTestBase(fixture)
{
    [Theory]
    [InlineData(200, true)]
    [InlineData(404, false)]
    public async Task ExistsAsync_HeadStatus_TellsWhetherBlobExists(int status, bool expected)
    {
        Stub.Server.Given(Request.Create().WithPath(BlobApiStub.BlobPath).UsingHead()).RespondWith(Response.Create().WithStatusCode(status));
        PartUploadClient sut = CreateSut();

        bool exists = await sut.ExistsAsync(BlobApiStub.Layer, BlobApiStub.Handle);

        exists.ShouldBe(expected);
        BlobApiStub.Header(Stub.Entries.ShouldHaveSingleItem(), "Authorization").ShouldBe("Bearer " + BlobApiStub.Token);
    }

    [Fact]
    public async Task DownloadToAsync_Blob_WritesEveryByte()
    {
        byte[] data = BlobApiStub.Data(70_000);
        Stub.Server.Given(Request.Create().WithPath(BlobApiStub.BlobPath).UsingGet())
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
        var server = new Uri(Stub.ServerUrl);
        Stub.Server.Given(Request.Create().WithPath(BlobApiStub.BlobPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(307).WithHeader("Location", $"http://localhost:{server.Port}/storage/object?X-Sig=abc"));
        Stub.Server.Given(Request.Create().WithPath("/storage/object").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(data));
        PartUploadClient sut = CreateSut();
        using var destination = new MemoryStream();

        await sut.DownloadToAsync(BlobApiStub.Layer, BlobApiStub.Handle, destination);

        destination.ToArray().ShouldBe(data);
        ILogEntry storage = Stub.Requests("GET", "/storage/object").ShouldHaveSingleItem();
        BlobApiStub.Header(storage, "Authorization").ShouldBeNull();
        BlobApiStub.Query(storage, "X-Sig").ShouldBe("abc");
    }

    [Fact]
    public async Task DeleteAsync_Forbidden_ThrowsWithStatus()
    {
        Stub.Server.Given(Request.Create().WithPath(BlobApiStub.BlobPath).UsingDelete()).RespondWith(Response.Create().WithStatusCode(403));
        PartUploadClient sut = CreateSut();

        var ex = await Should.ThrowAsync<PartUploadException>(() => sut.DeleteAsync(BlobApiStub.Layer, BlobApiStub.Handle));

        ex.Status.ShouldBe(403);
        ex.Operation.ShouldBe("DeleteBlob");
    }

    [Fact]
    public async Task DeleteAsync_Accepted_Succeeds()
    {
        Stub.Server.Given(Request.Create().WithPath(BlobApiStub.BlobPath).UsingDelete()).RespondWith(Response.Create().WithStatusCode(202));
        PartUploadClient sut = CreateSut();

        await sut.DeleteAsync(BlobApiStub.Layer, BlobApiStub.Handle);

        Stub.Requests("DELETE", BlobApiStub.BlobPath).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task UploadAsync_BillingTag_SentOnEveryCall()
    {
        byte[] data = BlobApiStub.Data(1000);
        Stub.StubHappyPath();
        Stub.StubPart(1, 503);
        Stub.Server.Given(Request.Create().WithPath(BlobApiStub.BlobPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(206).WithBody(data));
        PartUploadClient sut = CreateSut(o => o.BillingTag = "Bill1234");
        using var stream = new MemoryStream(data);

        await sut.UploadAsync(stream, BlobApiStub.Upload());

        Stub.Entries.Count.ShouldBeGreaterThanOrEqualTo(6);
        Stub.Entries.ShouldAllBe(e => BlobApiStub.Query(e, "billingTag") == "Bill1234");
        Stub.PartRequests.ShouldAllBe(e => BlobApiStub.Query(e, "sig") == "link-SECRET-q");
    }

    [Fact]
    public async Task UploadAsync_ContentEncoding_DeclaredInStartBody()
    {
        Stub.StubHappyPath();
        PartUploadClient sut = CreateSut();
        using var stream = new MemoryStream(BlobApiStub.Data(1000));
        PartUploadOptions options = BlobApiStub.Upload();
        options.ContentEncoding = "gzip";

        await sut.UploadAsync(stream, options);

        using var body = System.Text.Json.JsonDocument.Parse(BlobApiStub.Body(Stub.Requests("POST", BlobApiStub.StartPath).ShouldHaveSingleItem()));
        body.RootElement.GetProperty("contentEncoding").GetString().ShouldBe("gzip");
    }

    [Fact]
    public async Task UploadAsync_NoContentEncoding_OmittedFromStartBody()
    {
        Stub.StubHappyPath();
        PartUploadClient sut = CreateSut();
        using var stream = new MemoryStream(BlobApiStub.Data(1000));

        await sut.UploadAsync(stream, BlobApiStub.Upload());

        using var body = System.Text.Json.JsonDocument.Parse(BlobApiStub.Body(Stub.Requests("POST", BlobApiStub.StartPath).ShouldHaveSingleItem()));
        body.RootElement.TryGetProperty("contentEncoding", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task AddPartUploader_ResolvedClient_UploadsThroughHttpClientFactory()
    {
        Stub.StubHappyPath();
        var services = new ServiceCollection();
        services.AddSingleton(AccessTokenSource.FromToken(BlobApiStub.Token));
        services.AddPartUploader(o =>
        {
            o.BaseUrl = Stub.BaseUrl;
            o.PartSize = 5L * MiB;
            o.MaxBufferedBytes = 32L * MiB;
            o.SingleShotThreshold = MiB;
            o.Retry.BaseDelay = TimeSpan.Zero;
            o.VerifyRetriedParts = false;
        });
        Stub.StubPart(1, 503);
        using ServiceProvider provider = services.BuildServiceProvider();
        PartUploadClient sut = provider.GetRequiredService<PartUploadClient>();
        using var stream = new MemoryStream(BlobApiStub.Data((5 * MiB) + 1));

        PartUploadResult result = await sut.UploadAsync(stream, BlobApiStub.Upload());

        result.PartNumbers.ShouldBe([3, 2]);
        Stub.Entries.ShouldAllBe(e => BlobApiStub.Header(e, "Authorization") == "Bearer " + BlobApiStub.Token);
    }
}
