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
            await UploadAsync(http, emulator, "warmup", template, partCount: Concurrency).ConfigureAwait(false);

            Stopwatch watch = Stopwatch.StartNew();
            TimeSpan completeTime = await UploadAsync(http, emulator, "bench", template, PartCount).ConfigureAwait(false);
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

    private static async Task<TimeSpan> UploadAsync(HttpClient http, BlobEmulator emulator, string handle, byte[] template, int partCount)
    {
        string url = emulator.GetBlobBaseUrl() + $"/layers/{emulator.DefaultLayerId}/data/{handle}";
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
