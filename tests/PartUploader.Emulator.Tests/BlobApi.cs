using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PartUploader.Emulator.Tests;

public sealed record Links(string UploadPart, string Complete, string Status, string Delete);

/// <summary>A thin hand-written blob v1 client for driving the emulator over real HTTP.</summary>
public sealed class BlobApi : IDisposable
{
    public const string OctetStream = "application/octet-stream";

    private static int s_handleCounter;

    /// <param name="emulator">The emulator to drive.</param>
    /// <param name="token">A bearer token, or null to issue one.</param>
    /// <param name="handler">The transport (for HTTPS: one that trusts the emulator's certificate), or null for a plain one; redirects must not be followed.</param>
    public BlobApi(BlobEmulator emulator, string? token = null, SocketsHttpHandler? handler = null)
    {
        Emulator = emulator;
        Http = new HttpClient(handler ?? new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(60) };
        Token = token ?? emulator.IssueAccessToken();
    }

    public BlobEmulator Emulator { get; }

    public HttpClient Http { get; }

    public string Token { get; set; }

    public static string NewHandle(string prefix = "h") => $"{prefix}-{Interlocked.Increment(ref s_handleCounter)}-{Guid.NewGuid():N}";

    public static byte[] RandomBytes(int length, int seed)
    {
        byte[] data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    public string BlobUrl(string handle, string? layer = null, string? hrn = null) =>
        $"{Emulator.GetBlobBaseUrl(hrn)}/layers/{layer ?? Emulator.DefaultLayerId}/data/{handle}";

    public HttpRequestMessage Request(HttpMethod method, string url, HttpContent? content = null, bool auth = true)
    {
        HttpRequestMessage request = new(method, url) { Content = content };
        if (auth)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        }

        return request;
    }

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => Http.SendAsync(request);

    public async Task<HttpResponseMessage> StartRawAsync(string handle, string body, string? layer = null, string? hrn = null, string query = "")
    {
        using HttpRequestMessage request = Request(HttpMethod.Post, BlobUrl(handle, layer, hrn) + "/multiparts" + query, new StringContent(body, Encoding.UTF8, "application/json"));
        return await Http.SendAsync(request);
    }

    public async Task<Links> StartAsync(string handle, string contentType = OctetStream, string? layer = null)
    {
        using HttpResponseMessage response = await StartRawAsync(handle, JsonSerializer.Serialize(new { contentType }), layer);
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        JsonNode links = (await response.Content.ReadFromJsonAsync<JsonNode>())!["links"]!;
        return new Links(
            links["uploadPart"]!["href"]!.GetValue<string>(),
            links["complete"]!["href"]!.GetValue<string>(),
            links["status"]!["href"]!.GetValue<string>(),
            links["delete"]!["href"]!.GetValue<string>());
    }

    public static ByteArrayContent Bytes(byte[] data, string contentType = OctetStream, string? digest = null)
    {
        ByteArrayContent content = new(data);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (digest is not null)
        {
            content.Headers.TryAddWithoutValidation("X-HERE-Digest", digest);
        }

        return content;
    }

    public async Task<HttpResponseMessage> UploadPartRawAsync(Links links, string partNumberQuery, HttpContent content)
    {
        using HttpRequestMessage request = Request(HttpMethod.Post, links.UploadPart + partNumberQuery, content);
        return await Http.SendAsync(request);
    }

    public Task<HttpResponseMessage> UploadPartAsync(Links links, int number, byte[] data, string? digest = null) =>
        UploadPartRawAsync(links, $"?partNumber={number}", Bytes(data, OctetStream, digest));

    public async Task<string> UploadPartOkAsync(Links links, int number, byte[] data, string? digest = null)
    {
        using HttpResponseMessage response = await UploadPartAsync(links, number, data, digest);
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return response.Headers.ETag!.ToString();
    }

    public async Task<HttpResponseMessage> CompleteRawAsync(Links links, string body)
    {
        using HttpRequestMessage request = Request(HttpMethod.Put, links.Complete, new StringContent(body, Encoding.UTF8, "application/json"));
        return await Http.SendAsync(request);
    }

    public Task<HttpResponseMessage> CompleteAsync(Links links, params (int Number, string ETag)[] parts) =>
        CompleteRawAsync(links, CompleteBody(parts));

    public static string CompleteBody(params (int Number, string ETag)[] parts) =>
        JsonSerializer.Serialize(new { parts = parts.Select(p => new { etag = p.ETag, number = p.Number }) });

    public async Task<(int Status, string? State)> StatusAsync(Links links)
    {
        using HttpRequestMessage request = Request(HttpMethod.Get, links.Status);
        using HttpResponseMessage response = await Http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            return ((int)response.StatusCode, null);
        }

        JsonNode body = (await response.Content.ReadFromJsonAsync<JsonNode>())!;
        return ((int)response.StatusCode, body["status"]!.GetValue<string>());
    }

    public async Task<HttpResponseMessage> CancelAsync(Links links)
    {
        using HttpRequestMessage request = Request(HttpMethod.Delete, links.Delete);
        return await Http.SendAsync(request);
    }

    public async Task<HttpResponseMessage> PutBlobAsync(string handle, byte[] data, string? layer = null, string? digest = null, string contentType = OctetStream)
    {
        using HttpRequestMessage request = Request(HttpMethod.Put, BlobUrl(handle, layer), Bytes(data, contentType, digest));
        return await Http.SendAsync(request);
    }

    public async Task<HttpResponseMessage> GetBlobAsync(string handle, string? range = null, string? layer = null, string query = "")
    {
        using HttpRequestMessage request = Request(HttpMethod.Get, BlobUrl(handle, layer) + query);
        if (range is not null)
        {
            request.Headers.TryAddWithoutValidation("Range", range);
        }

        return await Http.SendAsync(request);
    }

    /// <summary>Uploads one small part and completes; returns the links.</summary>
    public async Task<Links> UploadSmallBlobAsync(string handle, byte[] data)
    {
        Links links = await StartAsync(handle);
        string etag = await UploadPartOkAsync(links, 1, data);
        using HttpResponseMessage complete = await CompleteAsync(links, (1, etag));
        complete.StatusCode.ShouldBe(System.Net.HttpStatusCode.NoContent, await complete.Content.ReadAsStringAsync());
        return links;
    }

    public void Dispose() => Http.Dispose();
}
