using System.Net;
using System.Text.Json.Nodes;

namespace PartUploader.Emulator.Tests;

public sealed class LookupTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture _fixture;

    public LookupTests(EmulatorFixture fixture) => _fixture = fixture;

    private BlobEmulator Emulator => _fixture.Emulator;

    [Fact]
    public async Task Lookup_BlobV1_ReturnsArrayHoldingBlobBaseUrlAndMaxAge()
    {
        using HttpResponseMessage response = await GetAsync($"{Emulator.LookupUrl}/resources/{Emulator.DefaultCatalogHrn}/apis/blob/v1");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.CacheControl!.MaxAge.ShouldBe(TimeSpan.FromHours(1));
        JsonArray apis = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
        JsonNode blob = apis.Single(a => a!["api"]!.GetValue<string>() == "blob" && a["version"]!.GetValue<string>() == "v1")!;
        blob["baseURL"]!.GetValue<string>().ShouldBe(Emulator.GetBlobBaseUrl().ToString());
        blob["parameters"].ShouldNotBeNull();
        apis.Count.ShouldBeGreaterThan(1);
    }

    [Fact]
    public async Task Lookup_AllApis_ListsSeveralApis()
    {
        using HttpResponseMessage response = await GetAsync($"{Emulator.LookupUrl}/resources/{Emulator.DefaultCatalogHrn}/apis");

        JsonArray apis = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
        apis.Select(a => a!["api"]!.GetValue<string>()).Distinct().Count().ShouldBeGreaterThan(1);
    }

    [Fact]
    public async Task Lookup_UnknownCatalog_Returns404WithCodeMessageDescription()
    {
        using HttpResponseMessage response = await GetAsync($"{Emulator.LookupUrl}/resources/hrn:here:data::emulator:nope/apis/blob/v1");

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        JsonNode body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        body["code"].ShouldNotBeNull();
        body["message"].ShouldNotBeNull();
        body["description"].ShouldNotBeNull();
    }

    [Fact]
    public async Task Lookup_WithoutToken_Returns401()
    {
        using HttpResponseMessage response = await GetAsync($"{Emulator.LookupUrl}/resources/{Emulator.DefaultCatalogHrn}/apis/blob/v1", auth: false);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Lookup_TokenRestrictedToOtherCatalog_Returns403()
    {
        using BlobApi api = new(Emulator, Emulator.IssueAccessToken(onlyCatalogHrn: "hrn:here:data::emulator:other"));
        using HttpRequestMessage request = api.Request(HttpMethod.Get, $"{Emulator.LookupUrl}/resources/{Emulator.DefaultCatalogHrn}/apis/blob/v1");

        using HttpResponseMessage response = await api.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Lookup_LookupMaxAgeSwitch_ChangesCacheControl()
    {
        await using BlobEmulator sut = await BlobEmulator.StartAsync(new BlobEmulatorOptions { LookupMaxAge = TimeSpan.FromSeconds(42) });
        using BlobApi api = new(sut);
        using HttpRequestMessage request = api.Request(HttpMethod.Get, $"{sut.LookupUrl}/resources/{sut.DefaultCatalogHrn}/apis/blob/v1");
        using HttpResponseMessage response = await api.SendAsync(request);

        response.Headers.CacheControl!.MaxAge.ShouldBe(TimeSpan.FromSeconds(42));
    }

    private async Task<HttpResponseMessage> GetAsync(string url, bool auth = true)
    {
        using HttpRequestMessage request = _fixture.Api.Request(HttpMethod.Get, url, auth: auth);
        return await _fixture.Api.SendAsync(request);
    }
}
