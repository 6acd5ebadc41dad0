using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace PartUploader.Emulator.Tests.Publishing;

/// <summary>An answer read to the end: status, body text and headers.</summary>
public sealed record Reply(HttpStatusCode Status, string Body, HttpResponseHeaders Headers, HttpContentHeaders ContentHeaders)
{
    public JsonNode Json => JsonNode.Parse(Body)!;

    public string DetailError => Json["detail"]?[0]?["error"]?.GetValue<string>() ?? string.Empty;
}

/// <summary>
/// A hand-written client of the emulator's publish v2, metadata v1, query v1, index v1 and config v1 routes over real HTTP,
/// with its own emulator (one per test: publication state is per catalog) on a <see cref="FakeTimeProvider"/>.
/// </summary>
public sealed class DataApi : IAsyncDisposable
{
    private DataApi(BlobEmulator emulator, FakeTimeProvider clock)
    {
        Emulator = emulator;
        Clock = clock;
        Blob = new BlobApi(emulator);
    }

    public BlobEmulator Emulator { get; }

    public FakeTimeProvider Clock { get; }

    public BlobApi Blob { get; }

    public PublishEmulatorOptions Switches => Emulator.Options.Publishing;

    public string Root => Emulator.ServiceUrl.GetLeftPart(UriPartial.Authority);

    public string Hrn => Emulator.DefaultCatalogHrn;

    public string Layer => Emulator.DefaultLayerId;

    public string PublishBase => $"{Root}/publish/v2/catalogs/{Hrn}";

    public string MetadataBase => $"{Root}/metadata/v1/catalogs/{Hrn}";

    public string QueryBase => $"{Root}/query/v1/catalogs/{Hrn}";

    public string IndexBase => $"{Root}/index/v1/catalogs/{Hrn}";

    public static async Task<DataApi> StartAsync(Action<BlobEmulatorOptions>? configure = null, bool fakeClock = true)
    {
        FakeTimeProvider clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        BlobEmulatorOptions options = new() { MinimumPartSize = 1, ProcessingDelay = TimeSpan.Zero };
        if (fakeClock)
        {
            options.TimeProvider = clock;
        }

        configure?.Invoke(options);
        return new DataApi(await BlobEmulator.StartAsync(options), clock);
    }

    /// <summary>Moves the fake clock and issues a fresh token (the old one may have expired).</summary>
    public void Advance(TimeSpan by)
    {
        Clock.Advance(by);
        Blob.Token = Emulator.IssueAccessToken();
    }

    public async Task<Reply> SendAsync(HttpMethod method, string url, string? json = null)
    {
        using HttpRequestMessage request = Blob.Request(method, url, json is null ? null : new StringContent(json, Encoding.UTF8, "application/json"));
        using HttpResponseMessage response = await Blob.SendAsync(request);
        return new Reply(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers, response.Content.Headers);
    }

    public Task<Reply> InitAsync(params string[] layerIds) =>
        SendAsync(HttpMethod.Post, PublishBase + "/publications", JsonSerializer.Serialize(new { layerIds, versionDependencies = Array.Empty<object>() }));

    public async Task<string> InitOkAsync()
    {
        Reply reply = await InitAsync(Layer);
        reply.Status.ShouldBe(HttpStatusCode.OK, reply.Body);
        return reply.Json["id"]!.GetValue<string>();
    }

    public Task<Reply> PartitionsRawAsync(string publicationId, string body, string? layer = null) =>
        SendAsync(HttpMethod.Post, $"{PublishBase}/layers/{layer ?? Layer}/publications/{publicationId}/partitions", body);

    public Task<Reply> PartitionsAsync(string publicationId, params object[] partitions) =>
        PartitionsRawAsync(publicationId, JsonSerializer.Serialize(new { partitions }));

    public Task<Reply> PartitionsAsync(string publicationId, string layer, params object[] partitions) =>
        PartitionsRawAsync(publicationId, JsonSerializer.Serialize(new { partitions }), layer);

    public Task<Reply> SubmitAsync(string publicationId) => SendAsync(HttpMethod.Put, $"{PublishBase}/publications/{publicationId}");

    public Task<Reply> GetAsync(string publicationId) => SendAsync(HttpMethod.Get, $"{PublishBase}/publications/{publicationId}");

    public Task<Reply> CancelAsync(string publicationId) => SendAsync(HttpMethod.Delete, $"{PublishBase}/publications/{publicationId}");

    public async Task<string> StateAsync(string publicationId)
    {
        Reply reply = await GetAsync(publicationId);
        reply.Status.ShouldBe(HttpStatusCode.OK, reply.Body);
        return reply.Json["details"]!["state"]!.GetValue<string>();
    }

    /// <summary>Stores a small blob by single PUT and returns its handle.</summary>
    public async Task<string> UploadBlobAsync(string? layer = null, string? handle = null)
    {
        handle ??= Guid.NewGuid().ToString();
        using HttpResponseMessage response = await Blob.PutBlobAsync(handle, [1, 2, 3, 4], layer);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return handle;
    }

    /// <summary>Init, one blob per key, partitions, submit; returns the publication id.</summary>
    public async Task<string> PublishAsync(params string[] keys)
    {
        string id = await InitOkAsync();
        List<object> partitions = [];
        foreach (string key in keys)
        {
            partitions.Add(new { partition = key, dataHandle = await UploadBlobAsync(), dataSize = 4 });
        }

        (await PartitionsAsync(id, [.. partitions])).Status.ShouldBe(HttpStatusCode.NoContent);
        (await SubmitAsync(id)).Status.ShouldBe(HttpStatusCode.NoContent);
        return id;
    }

    public async ValueTask DisposeAsync()
    {
        Blob.Dispose();
        await Emulator.DisposeAsync();
    }
}
