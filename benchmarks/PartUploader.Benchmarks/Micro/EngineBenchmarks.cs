using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;

namespace PartUploader.Benchmarks.Micro;

/// <summary>
/// The engine's own cost per part, without sockets or a server: the SDK uploads <see cref="Parts"/> parts to an
/// in-process fake handler that drains each body and answers as the service does. MemoryDiagnoser's bytes per
/// operation divided by <see cref="Parts"/> is the engine's allocation per part (buffers included if not pooled).
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1001 // BenchmarkDotNet owns the lifetime: GlobalCleanup disposes the client.
public class EngineBenchmarks
#pragma warning restore CA1001
{
    public const int Parts = 16;
    public const int PartBytes = 5 * 1024 * 1024;
    private PartUploadClient _client = null!;
    private HttpClient _http = null!;
    private string _path = "";

    [Params("file", "stream")]
    public string Source { get; set; } = "file";

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), "partuploader-micro-" + Guid.NewGuid().ToString("N") + ".bin");
        byte[] data = new byte[Parts * PartBytes];
        new Random(20261125).NextBytes(data);
        File.WriteAllBytes(_path, data);
        _http = new HttpClient(new FakeBlobHandler()) { Timeout = Timeout.InfiniteTimeSpan };
        _client = new PartUploadClient(_http, new PartUploadClientOptions
        {
            BaseUrl = new Uri("http://127.0.0.1:9/blobstore/v1/catalogs/hrn:here:data::emulator:demo"),
            PartSize = PartBytes,
        }, AccessTokenSource.FromToken("micro"));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _http.Dispose();
        File.Delete(_path);
    }

    [Benchmark(OperationsPerInvoke = Parts)]
    public async Task<long> UploadPerPart()
    {
        var options = new PartUploadOptions { LayerId = "versioned", DataHandle = "micro", ForceMultipart = true };
        if (Source == "file")
        {
            return (await _client.UploadAsync(_path, options)).Size;
        }

        await using var stream = new NonSeekableStream(new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, useAsync: true));
        return (await _client.UploadAsync(stream, options)).Size;
    }

    /// <summary>Answers start, part, complete and status calls the way the blob service does, draining part bodies.</summary>
    private sealed class FakeBlobHandler : HttpMessageHandler
    {
        private const string Upload = "http://127.0.0.1:9/blobstore/v1/catalogs/hrn:here:data::emulator:demo/layers/versioned/data/micro/multiparts/u1";
        private static readonly string s_startBody =
            "{\"links\":{\"uploadPart\":{\"href\":\"" + Upload + "/parts\",\"method\":\"POST\"},\"complete\":{\"href\":\"" + Upload + "\",\"method\":\"PUT\"},"
            + "\"status\":{\"href\":\"" + Upload + "\",\"method\":\"GET\"},\"delete\":{\"href\":\"" + Upload + "\",\"method\":\"DELETE\"}}}";

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string path = request.RequestUri!.AbsolutePath;
            if (request.Method == HttpMethod.Post && path.EndsWith("/parts", StringComparison.Ordinal))
            {
                await request.Content!.CopyToAsync(Stream.Null, cancellationToken);
                var part = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
                part.Headers.TryAddWithoutValidation("ETag", "\"0123456789abcdef\"");
                return part;
            }

            if (request.Method == HttpMethod.Post)
            {
                return Json(s_startBody);
            }

            if (request.Method == HttpMethod.Put)
            {
                return new HttpResponseMessage(HttpStatusCode.NoContent) { Content = new ByteArrayContent([]) };
            }

            return Json("{\"status\":\"completed\"}");
        }

        private static HttpResponseMessage Json(string body) =>
            new(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
    }
}
