using System.Net;

namespace PartUploader.Emulator.Tests;

public sealed class SingleBlobTests : IClassFixture<EmulatorFixture>
{
    private static readonly byte[] s_data = BlobApi.RandomBytes(1000, seed: 7);
    private readonly EmulatorFixture _fixture;

    public SingleBlobTests(EmulatorFixture fixture) => _fixture = fixture;

    private BlobApi Api => _fixture.Api;

    private BlobEmulator Emulator => _fixture.Emulator;

    [Fact]
    public async Task Put_NewHandle_Returns200AndHeadFindsIt()
    {
        string handle = BlobApi.NewHandle();

        using HttpResponseMessage put = await Api.PutBlobAsync(handle, s_data, digest: Digests.Header("SHA256", s_data));
        using HttpRequestMessage head = Api.Request(HttpMethod.Head, Api.BlobUrl(handle));
        using HttpResponseMessage headResponse = await Api.SendAsync(head);

        put.StatusCode.ShouldBe(HttpStatusCode.OK);
        headResponse.StatusCode.ShouldBe(HttpStatusCode.OK);
        headResponse.Content.Headers.ContentLength.ShouldBe(s_data.Length);
    }

    [Fact]
    public async Task Head_MissingBlob_Returns404()
    {
        using HttpRequestMessage head = Api.Request(HttpMethod.Head, Api.BlobUrl(BlobApi.NewHandle()));
        using HttpResponseMessage response = await Api.SendAsync(head);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Put_UsedHandle_Returns409()
    {
        string handle = await PutAsync();

        using HttpResponseMessage again = await Api.PutBlobAsync(handle, s_data);

        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Put_DigestMismatch_Returns400AndStoresNothing()
    {
        string handle = BlobApi.NewHandle();

        using HttpResponseMessage put = await Api.PutBlobAsync(handle, s_data, digest: "CRC-32C:00000000");

        put.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        Emulator.GetBlob(Emulator.DefaultLayerId, handle).ShouldBeNull();
    }

    [Fact]
    public async Task Put_ContentTypeDifferentFromLayer_Returns400()
    {
        using HttpResponseMessage put = await Api.PutBlobAsync(BlobApi.NewHandle(), s_data, contentType: "text/plain");

        put.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Get_WholeBlob_Returns200WithBytes()
    {
        string handle = await PutAsync();

        using HttpResponseMessage get = await Api.GetBlobAsync(handle);

        get.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await get.Content.ReadAsByteArrayAsync()).ShouldBe(s_data);
    }

    [Fact]
    public async Task Get_EmptyBlob_Returns204()
    {
        string handle = BlobApi.NewHandle();
        using HttpResponseMessage put = await Api.PutBlobAsync(handle, []);

        using HttpResponseMessage get = await Api.GetBlobAsync(handle);

        get.StatusCode.ShouldBe(HttpStatusCode.NoContent);
    }

    [Theory]
    [InlineData("bytes=0-0", 0, 1)]
    [InlineData("bytes=999-999", 999, 1)]
    [InlineData("bytes=100-199", 100, 100)]
    [InlineData("bytes=900-", 900, 100)]
    [InlineData("bytes=-10", 990, 10)]
    [InlineData("bytes=-5000", 0, 1000)]
    [InlineData("bytes=990-5000", 990, 10)]
    public async Task Get_SingleRange_Returns206WithContentRange(string range, int offset, int count)
    {
        string handle = await PutAsync();

        using HttpResponseMessage get = await Api.GetBlobAsync(handle, range);

        get.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        get.Content.Headers.ContentRange!.ToString().ShouldBe($"bytes {offset}-{offset + count - 1}/1000");
        (await get.Content.ReadAsByteArrayAsync()).ShouldBe(s_data.AsSpan(offset, count).ToArray());
    }

    [Fact]
    public async Task Get_RangeAsQueryParameter_Returns206()
    {
        string handle = await PutAsync();

        using HttpResponseMessage get = await Api.GetBlobAsync(handle, query: "?range=bytes=10-19");

        get.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        (await get.Content.ReadAsByteArrayAsync()).ShouldBe(s_data.AsSpan(10, 10).ToArray());
    }

    [Theory]
    [InlineData("bytes=1000-")]
    [InlineData("bytes=5000-6000")]
    [InlineData("bytes=-0")]
    public async Task Get_UnsatisfiableRange_Returns416(string range)
    {
        string handle = await PutAsync();

        using HttpResponseMessage get = await Api.GetBlobAsync(handle, range);

        get.StatusCode.ShouldBe(HttpStatusCode.RequestedRangeNotSatisfiable);
        get.Content.Headers.ContentRange!.ToString().ShouldBe("bytes */1000");
    }

    [Theory]
    [InlineData("bytes=0-1,5-6")]
    [InlineData("bytes=5-1")]
    [InlineData("items=0-1")]
    public async Task Get_MalformedOrMultipleRange_Returns400(string range)
    {
        string handle = await PutAsync();

        using HttpResponseMessage get = await Api.GetBlobAsync(handle, range);

        get.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Get_MissingBlob_Returns404()
    {
        using HttpResponseMessage get = await Api.GetBlobAsync(BlobApi.NewHandle());

        get.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Get_StorageLayerAccess_Redirects307ToOtherHost()
    {
        string handle = await PutAsync();

        using HttpResponseMessage get = await Api.GetBlobAsync(handle, query: "?accessType=storageLayerAccess");

        get.StatusCode.ShouldBe(HttpStatusCode.TemporaryRedirect);
        get.Headers.Location!.Host.ShouldBe("localhost");
        get.Headers.Location.Port.ShouldBe(Emulator.ServiceUrl.Port);
    }

    [Fact]
    public async Task StorageUrl_WithoutAuthorization_ServesRange()
    {
        string handle = await PutAsync();
        using HttpResponseMessage redirect = await Api.GetBlobAsync(handle, query: "?accessType=storageLayerAccess");

        using HttpRequestMessage request = new(HttpMethod.Get, redirect.Headers.Location);
        request.Headers.TryAddWithoutValidation("Range", "bytes=1-3");
        using HttpResponseMessage response = await Api.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        (await response.Content.ReadAsByteArrayAsync()).ShouldBe(s_data.AsSpan(1, 3).ToArray());
    }

    [Fact]
    public async Task StorageUrl_WithAuthorization_Returns400()
    {
        string handle = await PutAsync();
        using HttpResponseMessage redirect = await Api.GetBlobAsync(handle, query: "?accessType=storageLayerAccess");

        using HttpRequestMessage request = Api.Request(HttpMethod.Get, redirect.Headers.Location!.ToString());
        using HttpResponseMessage response = await Api.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task StorageUrl_TamperedSignature_Returns403()
    {
        string handle = await PutAsync();
        using HttpResponseMessage redirect = await Api.GetBlobAsync(handle, query: "?accessType=storageLayerAccess");

        using HttpRequestMessage request = new(HttpMethod.Get, redirect.Headers.Location!.ToString().Replace("signature=", "signature=x", StringComparison.Ordinal));
        using HttpResponseMessage response = await Api.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Delete_OnIndexLayer_Returns202AndBlobIsGone()
    {
        string handle = BlobApi.NewHandle();
        using HttpResponseMessage put = await Api.PutBlobAsync(handle, s_data, layer: Emulator.IndexLayerId);

        using HttpRequestMessage request = Api.Request(HttpMethod.Delete, Api.BlobUrl(handle, Emulator.IndexLayerId));
        using HttpResponseMessage response = await Api.SendAsync(request);
        using HttpResponseMessage get = await Api.GetBlobAsync(handle, layer: Emulator.IndexLayerId);

        put.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        get.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Delete_OnVersionedLayer_Returns403()
    {
        string handle = await PutAsync();

        using HttpRequestMessage request = Api.Request(HttpMethod.Delete, Api.BlobUrl(handle));
        using HttpResponseMessage response = await Api.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    private async Task<string> PutAsync()
    {
        string handle = BlobApi.NewHandle();
        using HttpResponseMessage put = await Api.PutBlobAsync(handle, s_data);
        put.StatusCode.ShouldBe(HttpStatusCode.OK);
        return handle;
    }
}
