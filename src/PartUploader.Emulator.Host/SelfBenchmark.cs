using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using PartUploader.Emulator.Internal;

namespace PartUploader.Emulator;

/// <summary>
/// <c>--self-benchmark</c>: one 1 GiB multipart upload (64 parts of 16 MiB, 4 in flight, CRC-32C digest headers) into an
/// in-process emulator over loopback HTTP/1.1, timed from start to complete. Not a test; run it by hand.
/// </summary>
internal static class SelfBenchmark
{
    private const int PartSize = 16 * 1024 * 1024;
    private const int PartCount = 64;
    private const int Concurrency = 4;

    public static async Task<int> RunAsync(BlobEmulatorOptions options)
    {
        options.MinimumPartSize = Math.Min(options.MinimumPartSize, PartSize);
        options.ProcessingDelay = TimeSpan.Zero;
        BlobEmulator emulator = await BlobEmulator.StartAsync(options).ConfigureAwait(false);
        await using (emulator.ConfigureAwait(false))
        {
            using HttpClient http = new(new SocketsHttpHandler { MaxConnectionsPerServer = Concurrency, AutomaticDecompression = System.Net.DecompressionMethods.None })
            {
                Timeout = Timeout.InfiniteTimeSpan,
            };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", emulator.IssueAccessToken());
            byte[] template = new byte[PartSize];
            new Random(42).NextBytes(template);

            // Warm-up: one small upload so JIT and connections are ready.
            string dataUrl = emulator.GetBlobBaseUrl() + $"/layers/{emulator.DefaultLayerId}/data/";
            await UploadAsync(http, dataUrl + "warmup", template, partCount: Concurrency).ConfigureAwait(false);

            Stopwatch watch = Stopwatch.StartNew();
            TimeSpan completeTime = await UploadAsync(http, dataUrl + "bench", template, PartCount).ConfigureAwait(false);
            watch.Stop();

            long bytes = (long)PartSize * PartCount;
            StoredBlob blob = emulator.GetBlob(emulator.DefaultLayerId, "bench")!;
            double seconds = watch.Elapsed.TotalSeconds;
            await Console.Out.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"mode={(options.DiscardData ? "discard" : "disk")} bytes={bytes} parts={PartCount}x{PartSize} concurrency={Concurrency} largePoolBlocks={options.LargeMemoryPoolBlocks} " +
                $"elapsed={seconds:F2}s (complete {completeTime.TotalSeconds:F2}s) throughput={bytes / seconds / 1e6:F0} MB/s ({bytes / seconds / (1 << 20):F0} MiB/s) stored={blob.Length}")).ConfigureAwait(false);
            return blob.Length == bytes ? 0 : 1;
        }
    }

    /// <summary>The same upload against an emulator running in another process (<c>--target URL --credentials FILE</c>).</summary>
    public static async Task<int> RunRemoteAsync(Uri target, string credentialsFile)
    {
        Dictionary<string, string> credentials = File.ReadAllLines(credentialsFile)
            .Select(line => line.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0].Trim(), pair => pair[1].Trim(), StringComparer.Ordinal);
        using HttpClient http = new(new SocketsHttpHandler { MaxConnectionsPerServer = Concurrency }) { Timeout = Timeout.InfiniteTimeSpan };
        string token = await RequestTokenAsync(http, credentials["here.token.endpoint.url"], credentials["here.access.key.id"], credentials["here.access.key.secret"]).ConfigureAwait(false);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        byte[] template = new byte[PartSize];
        new Random(42).NextBytes(template);
        string run = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));
        string dataUrl = new Uri(target, $"blobstore/v1/catalogs/{BlobEmulatorOptions.DemoCatalogHrn}/layers/{BlobEmulatorOptions.DemoVersionedLayerId}/data/").ToString();
        await UploadAsync(http, dataUrl + "warmup-" + run, template, partCount: Concurrency).ConfigureAwait(false);

        Stopwatch watch = Stopwatch.StartNew();
        TimeSpan completeTime = await UploadAsync(http, dataUrl + "bench-" + run, template, PartCount).ConfigureAwait(false);
        watch.Stop();

        long bytes = (long)PartSize * PartCount;
        double seconds = watch.Elapsed.TotalSeconds;
        await Console.Out.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"target={target} bytes={bytes} parts={PartCount}x{PartSize} concurrency={Concurrency} " +
            $"elapsed={seconds:F2}s (complete {completeTime.TotalSeconds:F2}s) throughput={bytes / seconds / 1e6:F0} MB/s ({bytes / seconds / (1 << 20):F0} MiB/s)")).ConfigureAwait(false);
        return 0;
    }

    private static async Task<string> RequestTokenAsync(HttpClient http, string tokenUrl, string keyId, string secret)
    {
        List<KeyValuePair<string, string>> oauth =
        [
            new("oauth_consumer_key", keyId),
            new("oauth_nonce", Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12))),
            new("oauth_signature_method", "HMAC-SHA256"),
            new("oauth_timestamp", TimeProvider.System.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            new("oauth_version", "1.0"),
        ];
        string signature = OAuthVerifier.Sign(OAuthVerifier.BuildBaseString("POST", tokenUrl, [.. oauth, new("grant_type", "client_credentials")]), secret);
        string header = "OAuth " + string.Join(",", oauth.Append(new("oauth_signature", signature)).Select(p => $"{p.Key}=\"{OAuthVerifier.PercentEncode(p.Value)}\""));
        using HttpRequestMessage request = new(HttpMethod.Post, tokenUrl)
        {
            Content = new StringContent("grant_type=client_credentials", Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", header);
        using HttpResponseMessage response = await http.SendAsync(request).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false));
        return body.RootElement.GetProperty("access_token").GetString()!;
    }

    private static async Task<TimeSpan> UploadAsync(HttpClient http, string url, byte[] template, int partCount)
    {
        using HttpResponseMessage start = await http.PostAsync(url + "/multiparts", new StringContent("""{"contentType":"application/octet-stream"}""", Encoding.UTF8, "application/json")).ConfigureAwait(false);
        start.EnsureSuccessStatusCode();
        using JsonDocument links = JsonDocument.Parse(await start.Content.ReadAsStringAsync().ConfigureAwait(false));
        string partUrl = links.RootElement.GetProperty("links").GetProperty("uploadPart").GetProperty("href").GetString()!;
        string completeUrl = links.RootElement.GetProperty("links").GetProperty("complete").GetProperty("href").GetString()!;

        string[] etags = new string[partCount];
        await Parallel.ForEachAsync(Enumerable.Range(1, partCount), new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (number, ct) =>
        {
            byte[] part = ArrayPool<byte>.Shared.Rent(PartSize);
            try
            {
                template.CopyTo(part, 0);
                BinaryPrimitives.WriteInt32LittleEndian(part, number);
                ByteArrayContent content = new(part, 0, PartSize);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                content.Headers.TryAddWithoutValidation(ServiceLimits.DigestHeader, $"CRC-32C:{Crc32CMath.Hash(part.AsSpan(0, PartSize)):x8}");
                using HttpResponseMessage response = await http.PostAsync($"{partUrl}?partNumber={number}", content, ct).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
                etags[number - 1] = response.Headers.ETag!.ToString();
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(part);
            }
        }).ConfigureAwait(false);

        string body = "{\"parts\":[" + string.Join(',', etags.Select((e, i) => $"{{\"etag\":{JsonSerializer.Serialize(e, EmulatorJsonContext.Default.String)},\"number\":{i + 1}}}")) + "]}";
        using HttpRequestMessage complete = new(HttpMethod.Put, completeUrl) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        long started = Stopwatch.GetTimestamp();
        using HttpResponseMessage completed = await http.SendAsync(complete).ConfigureAwait(false);
        completed.EnsureSuccessStatusCode();
        return Stopwatch.GetElapsedTime(started);
    }
}
