using System.Globalization;
using System.IO.Hashing;
using System.Net.Http.Headers;

namespace PartUploader.Benchmarks;

/// <summary>
/// The client side of the batch scenario: every file of a directory uploaded as its own blob, three ways.
/// <c>batch-naive</c>: a sequential loop that reads each file into a new array, computes its CRC-32C and PUTs it.
/// <c>batch-raw</c>: plain HttpClient PUTs, <c>concurrency</c> at a time, each worker reading files into its own reused
/// buffer, no digest (the limit). <c>sdk-batch</c>: <see cref="PartUploadClient.UploadBatchAsync(IEnumerable{BatchUploadItem}, BatchUploadOptions, CancellationToken)"/>.
/// </summary>
internal sealed class BatchWorkload(HttpClient http, Uri blobBaseUrl, string token, string layerId)
{
    private const string ContentType = "application/octet-stream";

    public static string[] Files(string directory) => [.. Directory.GetFiles(directory).Order(StringComparer.Ordinal)];

    public async Task<UploadOutcome> NaiveAsync(string directory, CancellationToken cancellationToken)
    {
        long total = 0;
        string[] files = Files(directory);
        foreach (string file in files)
        {
            byte[] data = await File.ReadAllBytesAsync(file, cancellationToken);
            uint crc = Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, data);
            await PutAsync(data, data.Length, "CRC-32C:" + crc.ToString("x8", CultureInfo.InvariantCulture), cancellationToken);
            total += data.Length;
        }

        return new UploadOutcome(total, files.Length, true, 0);
    }

    public async Task<UploadOutcome> RawAsync(string directory, int concurrency, CancellationToken cancellationToken)
    {
        string[] files = Files(directory);
        int next = -1;
        long total = 0;
        var workers = new Task[concurrency];
        for (int w = 0; w < concurrency; w++)
        {
            workers[w] = Task.Run(
                async () =>
                {
                    byte[] buffer = [];
                    int index;
                    while ((index = Interlocked.Increment(ref next)) < files.Length)
                    {
                        await using var file = new FileStream(files[index], FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, useAsync: true);
                        int length = (int)file.Length;
                        if (buffer.Length < length)
                        {
                            buffer = GC.AllocateUninitializedArray<byte>(length);
                        }

                        await file.ReadExactlyAsync(buffer.AsMemory(0, length), cancellationToken);
                        await PutAsync(buffer, length, digestHeader: null, cancellationToken);
                        Interlocked.Add(ref total, length);
                    }
                },
                cancellationToken);
        }

        await Task.WhenAll(workers);
        return new UploadOutcome(total, files.Length, true, 0);
    }

    public static async Task<UploadOutcome> SdkAsync(PartUploadClient client, string layer, string directory, CancellationToken cancellationToken)
    {
        string[] files = Files(directory);
        BatchUploadResult result = await client.UploadBatchAsync(
            files.Select(f => BatchUploadItem.FromFile(f, "b-" + Guid.NewGuid().ToString("N"))),
            new BatchUploadOptions { LayerId = layer, ErrorPolicy = BatchErrorPolicy.StopOnFirstError },
            cancellationToken);
        if (result.Succeeded != files.Length)
        {
            throw new InvalidOperationException($"Uploaded {result.Succeeded} of {files.Length} files.");
        }

        int retries = result.Items.Sum(i => i.Result?.Retries ?? 0);
        return new UploadOutcome(result.Bytes, result.Succeeded, true, retries);
    }

    private async Task PutAsync(byte[] data, int length, string? digestHeader, CancellationToken cancellationToken)
    {
        string handle = "b-" + Guid.NewGuid().ToString("N");
        using var content = new ByteArrayContent(data, 0, length);
        content.Headers.ContentType = new MediaTypeHeaderValue(ContentType);
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(blobBaseUrl + "/layers/" + layerId + "/data/" + handle)) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (digestHeader is not null)
        {
            request.Headers.TryAddWithoutValidation("X-HERE-Digest", digestHeader);
        }

        using HttpResponseMessage response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"put blob: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }
}
