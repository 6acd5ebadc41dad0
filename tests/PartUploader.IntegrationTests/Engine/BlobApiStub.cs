using System.Text;
using System.Text.Json;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace PartUploader.IntegrationTests.Engine;

/// <summary>One WireMock server per test class on 127.0.0.1 with an OS-assigned port.</summary>
public sealed class BlobServerFixture : IDisposable
{
    public BlobServerFixture()
    {
        // Port 0: the OS assigns the port as the server binds it (no probe-then-bind race); Urls reports it.
        Server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
        Url = Server.Urls.Single().TrimEnd('/');
    }

    public WireMockServer Server { get; }

    /// <summary>Gets the address the server listens on: 127.0.0.1 with the port the OS assigned.</summary>
    public string Url { get; }

    public void Dispose() => Server.Stop();
}

/// <summary>A blob v1 stand-in on WireMock: start, part, complete, status, delete, and what was received.</summary>
internal sealed class BlobApiStub(WireMockServer server, string serverUrl)
{
    public const string Token = "tok-SECRET-bearer-123";
    public const string Layer = "layer-1";
    public const string Handle = "blob-1.bin";
    public const string CatalogPath = "/blobstore/v1/catalogs/cat";
    public const string LinkSecret = "sig=link-SECRET-q";
    public const string UploadToken = "UPLOADTOKEN";

    public WireMockServer Server { get; } = server;

    public string ServerUrl { get; } = serverUrl;

    public Uri BaseUrl => new(ServerUrl + CatalogPath);

    public const string StartPath = CatalogPath + "/layers/" + Layer + "/data/" + Handle + "/multiparts";

    public const string UploadPath = StartPath + "/" + UploadToken;

    public const string PartsPath = UploadPath + "/parts";

    public const string BlobPath = CatalogPath + "/layers/" + Layer + "/data/" + Handle;

    public static byte[] Data(int length, int seed = 1)
    {
        byte[] data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    public PartUploadClientOptions Options(Action<PartUploadClientOptions>? configure = null)
    {
        var options = new PartUploadClientOptions
        {
            BaseUrl = BaseUrl,
            PartSize = 5L * 1024 * 1024,
            MaxConcurrency = 2,
            MaxBufferedBytes = 32L * 1024 * 1024,
            SingleShotThreshold = 1024 * 1024,
        };
        options.Retry.BaseDelay = TimeSpan.Zero;
        configure?.Invoke(options);
        return options;
    }

    public static PartUploadOptions Upload(bool forceMultipart = true, string contentType = "application/x-protobuf") => new()
    {
        LayerId = Layer,
        DataHandle = Handle,
        ContentType = contentType,
        ForceMultipart = forceMultipart,
    };

    public string LinksJson(string? uploadPartHref = null, string? completeMethod = null, bool relative = false)
    {
        string prefix = relative ? string.Empty : ServerUrl;
        string parts = uploadPartHref ?? $"{prefix}{PartsPath}?{LinkSecret}";
        string upload = $"{prefix}{UploadPath}?{LinkSecret}";
        return JsonSerializer.Serialize(new
        {
            links = new
            {
                uploadPart = new { href = parts, method = "POST" },
                complete = new { href = upload, method = completeMethod ?? "PUT" },
                status = new { href = upload, method = "GET" },
                delete = new { href = upload, method = "DELETE" },
            },
        });
    }

    public void StubStart(string? linksJson = null) =>
        Server.Given(Request.Create().WithPath(StartPath).UsingPost())
            .AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(linksJson ?? LinksJson()));

    /// <summary>Every part answers 200 with the ETag <c>"etag-{partNumber}"</c>.</summary>
    public void StubParts(int priority = 10) =>
        Server.Given(Request.Create().WithPath(PartsPath).UsingPost())
            .AtPriority(priority)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("ETag", "\"etag-{{request.query.partNumber}}\"").WithTransformer());

    public void StubPart(int partNumber, int status, string? etag = null, string? retryAfter = null, string? body = null)
    {
        IResponseBuilder response = Response.Create().WithStatusCode(status);
        if (etag is not null)
        {
            response = response.WithHeader("ETag", etag);
        }

        if (retryAfter is not null)
        {
            response = response.WithHeader("Retry-After", retryAfter);
        }

        if (body is not null)
        {
            response = response.WithHeader("Content-Type", "application/json").WithBody(body);
        }

        Server.Given(Request.Create().WithPath(PartsPath).WithParam("partNumber", partNumber.ToString(System.Globalization.CultureInfo.InvariantCulture)).UsingPost())
            .AtPriority(1)
            .RespondWith(response);
    }

    public void StubComplete(string method = "PUT") =>
        Server.Given(Request.Create().WithPath(UploadPath).UsingMethod(method))
            .AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(204));

    public void StubStatus(string status = "completed") =>
        Server.Given(Request.Create().WithPath(UploadPath).UsingGet())
            .AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody($$"""{"status":"{{status}}"}"""));

    public void StubDelete() =>
        Server.Given(Request.Create().WithPath(UploadPath).UsingDelete())
            .AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(204));

    /// <summary>Start, every part, complete, completed status, delete: a service on which everything succeeds.</summary>
    public void StubHappyPath(string? linksJson = null)
    {
        StubStart(linksJson);
        StubParts();
        StubComplete();
        StubStatus();
        StubDelete();
    }

    public IReadOnlyList<ILogEntry> Entries => Server.LogEntries.OrderBy(e => e.RequestMessage.DateTime).ToArray();

    public IReadOnlyList<ILogEntry> PartRequests => Entries.Where(e => e.RequestMessage.Method == "POST" && e.RequestMessage.Path == PartsPath).ToArray();

    public IReadOnlyList<ILogEntry> Requests(string method, string path) =>
        Entries.Where(e => e.RequestMessage.Method == method && e.RequestMessage.Path == path).ToArray();

    public static int PartNumber(ILogEntry entry) => int.Parse(Query(entry, "partNumber")!, System.Globalization.CultureInfo.InvariantCulture);

    public static string? Query(ILogEntry entry, string name) =>
        entry.RequestMessage.Query is { } query && query.TryGetValue(name, out var values) ? values.FirstOrDefault() : null;

    public static string? Header(ILogEntry entry, string name) =>
        entry.RequestMessage.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();

    public static void ShouldBeBytes(byte[] actual, byte[] expected) =>
        actual.AsSpan().SequenceEqual(expected).ShouldBeTrue($"{actual.Length} bytes received, {expected.Length} expected, or their content differs");

    public static byte[] Body(ILogEntry entry) =>
        entry.RequestMessage.BodyAsBytes ?? Encoding.UTF8.GetBytes(entry.RequestMessage.Body ?? string.Empty);

    /// <summary>The (number, etag) pairs of the complete call, in list order.</summary>
    public static (int Number, string ETag)[] CompletedParts(ILogEntry complete)
    {
        using JsonDocument doc = JsonDocument.Parse(Encoding.UTF8.GetString(Body(complete)));
        return doc.RootElement.GetProperty("parts").EnumerateArray()
            .Select(p => (p.GetProperty("number").GetInt32(), p.GetProperty("etag").GetString()!))
            .ToArray();
    }
}
