using System.Globalization;
using System.IO.Hashing;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace PartUploader.Benchmarks;

/// <summary>The outcome of one upload, whichever way it was made.</summary>
internal readonly record struct UploadOutcome(long Bytes, int Parts, bool PartNumbersUnique, int Retries);

/// <summary>
/// The three ways to upload that the benchmark compares: <c>raw</c> (the limit: plain HttpClient, pooled
/// in-memory buffers, no digest), <c>naive</c> (what a user writes by hand) and the SDK.
/// </summary>
internal sealed class Workloads(HttpClient http, Uri blobBaseUrl, string token, string layerId)
{
    private const string ContentType = "application/octet-stream";
    private static byte[][] s_rawBuffers = [];

    private static string NewHandle(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N");

    /// <summary>raw: <paramref name="bytes"/> as parts of <paramref name="partSize"/> from pooled in-memory buffers, <paramref name="concurrency"/> at a time, no digest.</summary>
    public async Task<UploadOutcome> RawAsync(long bytes, long partSize, int concurrency, int writeChunk, CancellationToken cancellationToken)
    {
        if (s_rawBuffers.Length < concurrency || s_rawBuffers[0].Length < partSize)
        {
            s_rawBuffers = new byte[concurrency][];
            for (int i = 0; i < concurrency; i++)
            {
                s_rawBuffers[i] = GC.AllocateUninitializedArray<byte>((int)partSize, pinned: true);
                Random.Shared.NextBytes(s_rawBuffers[i]);
            }
        }

        (Uri partsUrl, Uri completeUrl) = await StartAsync(NewHandle("raw"), cancellationToken);
        int partCount = (int)((bytes + partSize - 1) / partSize);
        string[] etags = new string[partCount];
        int next = -1;
        var workers = new Task[concurrency];
        for (int w = 0; w < concurrency; w++)
        {
            byte[] buffer = s_rawBuffers[w];
            workers[w] = Task.Run(async () =>
            {
                int index;
                while ((index = Interlocked.Increment(ref next)) < partCount)
                {
                    int length = (int)Math.Min(partSize, bytes - (index * partSize));
                    using HttpContent content = writeChunk > 0 ? new ChunkedContent(buffer, length, writeChunk) : new ByteArrayContent(buffer, 0, length);
                    content.Headers.ContentType = new MediaTypeHeaderValue(ContentType);
                    etags[index] = await PostPartAsync(partsUrl, index + 1, content, digestHeader: null, cancellationToken);
                }
            }, cancellationToken);
        }

        await Task.WhenAll(workers);
        await CompleteAsync(completeUrl, etags, cancellationToken);
        return new UploadOutcome(bytes, partCount, true, 0);
    }

    /// <summary>naive: a sequential loop that reads each part of a file into a new array, computes its CRC-32C, and posts it.</summary>
    public async Task<UploadOutcome> NaiveAsync(string path, long partSize, CancellationToken cancellationToken)
    {
        (Uri partsUrl, Uri completeUrl) = await StartAsync(NewHandle("naive"), cancellationToken);
        var etags = new List<string>();
        long total = 0;
        await using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 4096, useAsync: true))
        {
            while (true)
            {
                byte[] part = new byte[partSize];
                int read = await file.ReadAtLeastAsync(part, part.Length, throwOnEndOfStream: false, cancellationToken);
                if (read == 0 && etags.Count > 0)
                {
                    break;
                }

                uint crc = Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, part.AsSpan(0, read));
                using var content = new ByteArrayContent(part, 0, read);
                content.Headers.ContentType = new MediaTypeHeaderValue(ContentType);
                etags.Add(await PostPartAsync(partsUrl, etags.Count + 1, content, "CRC-32C:" + crc.ToString("x8", CultureInfo.InvariantCulture), cancellationToken));
                total += read;
                if (read < part.Length)
                {
                    break;
                }
            }
        }

        await CompleteAsync(completeUrl, etags, cancellationToken);
        return new UploadOutcome(total, etags.Count, true, 0);
    }

    /// <summary>The SDK: a file (positional reads) or a stream (non-seekable when the caller wraps it).</summary>
    public async Task<UploadOutcome> SdkAsync(Func<PartUploadOptions, Task<PartUploadResult>> upload, bool forceMultipart)
    {
        PartUploadResult result = await upload(new PartUploadOptions
        {
            LayerId = layerId,
            DataHandle = "sdk-" + Guid.NewGuid().ToString("N"),
            ForceMultipart = forceMultipart,
        });
        bool unique = result.PartNumbers.Distinct().Count() == result.PartNumbers.Count;
        return new UploadOutcome(result.Size, result.PartCount, unique, result.Retries);
    }

    private async Task<(Uri Parts, Uri Complete)> StartAsync(string dataHandle, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(blobBaseUrl + "/layers/" + layerId + "/data/" + dataHandle + "/multiparts"))
        {
            Content = new StringContent("{\"contentType\":\"" + ContentType + "\"}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using HttpResponseMessage response = await http.SendAsync(request, cancellationToken);
        string body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"start multipart: {(int)response.StatusCode} {body}");
        }

        using var json = JsonDocument.Parse(body);
        JsonElement links = json.RootElement.GetProperty("links");
        return (new Uri(links.GetProperty("uploadPart").GetProperty("href").GetString()!), new Uri(links.GetProperty("complete").GetProperty("href").GetString()!));
    }

    private async Task<string> PostPartAsync(Uri partsUrl, int number, HttpContent content, string? digestHeader, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(partsUrl + "?partNumber=" + number.ToString(CultureInfo.InvariantCulture))) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (digestHeader is not null)
        {
            request.Headers.TryAddWithoutValidation("X-HERE-Digest", digestHeader);
        }

        using HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode || !response.Headers.TryGetValues("ETag", out IEnumerable<string>? etag))
        {
            throw new HttpRequestException($"upload part {number}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        return etag.First();
    }

    private async Task CompleteAsync(Uri completeUrl, IReadOnlyList<string> etags, CancellationToken cancellationToken)
    {
        var body = new StringBuilder("{\"parts\":[");
        for (int i = 0; i < etags.Count; i++)
        {
            body.Append(i == 0 ? "" : ",").Append("{\"etag\":").Append(JsonSerializer.Serialize(etags[i], BenchJsonContext.Default.String))
                .Append(",\"number\":").Append((i + 1).ToString(CultureInfo.InvariantCulture)).Append('}');
        }

        body.Append("]}");
        using var request = new HttpRequestMessage(HttpMethod.Put, completeUrl) { Content = new StringContent(body.ToString(), Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using HttpResponseMessage response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"complete: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }
}

/// <summary>A buffer written in fixed-size chunks (one write call each), to show what the write size costs.</summary>
internal sealed class ChunkedContent(byte[] buffer, int length, int chunk) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
        await SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context, CancellationToken cancellationToken)
    {
        for (int offset = 0; offset < length; offset += chunk)
        {
            await stream.WriteAsync(buffer.AsMemory(offset, Math.Min(chunk, length - offset)), cancellationToken);
        }
    }

    protected override bool TryComputeLength(out long length1)
    {
        length1 = length;
        return true;
    }
}

/// <summary>Hides a stream's seekability (the SDK then buffers it part by part, one reader).</summary>
internal sealed class NonSeekableStream(Stream inner) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => inner.Read(buffer);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>A non-seekable stream of <c>length</c> synthetic bytes (a repeated random pattern): no file, no disk.</summary>
internal sealed class SyntheticStream(long length) : Stream
{
    private static readonly byte[] s_pattern = CreatePattern();
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length && _position < length)
        {
            int at = (int)(_position % s_pattern.Length);
            int count = (int)Math.Min(Math.Min(buffer.Length - total, s_pattern.Length - at), length - _position);
            s_pattern.AsSpan(at, count).CopyTo(buffer[total..]);
            total += count;
            _position += count;
        }

        return total;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private static byte[] CreatePattern()
    {
        // 1 MiB + 7 bytes, so parts never repeat the same bytes at the same offsets.
        byte[] pattern = new byte[(1024 * 1024) + 7];
        new Random(20261125).NextBytes(pattern);
        return pattern;
    }
}
