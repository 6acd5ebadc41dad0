// Uploads a file to the embedded blob emulator through the production path (credentials file,
// OAuth token, API lookup by catalog HRN), reads the blob back and proves it byte-identical.
//
//   dotnet run --project samples/UploadFile                 # creates a 200 MiB test file
//   dotnet run --project samples/UploadFile -- FILE         # uploads FILE
//   dotnet run --project samples/UploadFile -- --size 1024  # creates a 1024 MiB test file
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using PartUploader;
using PartUploader.Emulator;

string? path = null;
long sizeMiB = 200;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--size" && i + 1 < args.Length)
    {
        sizeMiB = long.Parse(args[++i], CultureInfo.InvariantCulture);
    }
    else
    {
        path = args[i];
    }
}

string workDir = Directory.CreateTempSubdirectory("partuploader-sample-").FullName;
try
{
    if (path is null)
    {
        path = Path.Combine(workDir, "sample.bin");
        Console.WriteLine($"Creating a {sizeMiB} MiB test file...");
        WriteTestFile(path, sizeMiB * 1024 * 1024);
    }

    await using BlobEmulator emulator = await BlobEmulator.StartAsync();
    string credentialsFile = emulator.WriteCredentialsFile(Path.Combine(workDir, "credentials.properties"));
    Console.WriteLine($"Emulator: blob {emulator.GetBlobBaseUrl()}, lookup {emulator.LookupUrl}, token {emulator.TokenUrl}");

    // The production path: credentials.properties -> OAuth 1.0a-signed token request -> lookup by HRN.
    using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
    var tokens = new HereTokenSource(HereCredentials.FromFile(credentialsFile), http);
    var client = new PartUploadClient(http, new PartUploadClientOptions
    {
        CatalogHrn = emulator.DefaultCatalogHrn,
        LookupUrl = emulator.LookupUrl,
    }, tokens);

    string dataHandle = "sample-" + Guid.NewGuid().ToString("N");
    long fileLength = new FileInfo(path).Length;
    var stopwatch = Stopwatch.StartNew();
    PartUploadResult result = await client.UploadAsync(path, new PartUploadOptions
    {
        LayerId = emulator.DefaultLayerId,
        DataHandle = dataHandle,
        Progress = new ConsoleProgress(fileLength),
    });
    stopwatch.Stop();
    Console.WriteLine();

    string sourceSha = await Sha256Async(path);
    string storedSha;
    using (var hasher = new HashingStream())
    {
        await client.DownloadToAsync(emulator.DefaultLayerId, dataHandle, hasher);
        storedSha = hasher.Finish();
    }

    double mbPerSecond = result.Size / 1e6 / stopwatch.Elapsed.TotalSeconds;
    Console.WriteLine($"Uploaded {result.Size:N0} bytes as {result.PartCount} part(s) of {result.PartSize:N0} bytes, {result.Retries} retries, {mbPerSecond:F1} MB/s");
    Console.WriteLine($"CRC-32C {result.Crc32C:x8}");
    Console.WriteLine($"SHA-256 source {sourceSha}");
    Console.WriteLine($"SHA-256 stored {storedSha}");
    if (!string.Equals(sourceSha, storedSha, StringComparison.Ordinal) || result.Size != fileLength)
    {
        Console.Error.WriteLine("MISMATCH: the stored blob differs from the source.");
        return 1;
    }

    Console.WriteLine("OK: the stored blob is byte-identical to the source.");
    return 0;
}
finally
{
    Directory.Delete(workDir, recursive: true);
}

static void WriteTestFile(string path, long length)
{
    var random = new Random(20261125);
    byte[] chunk = new byte[1024 * 1024];
    using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1024 * 1024);
    for (long written = 0; written < length; written += chunk.Length)
    {
        random.NextBytes(chunk);
        file.Write(chunk, 0, (int)Math.Min(chunk.Length, length - written));
    }
}

static async Task<string> Sha256Async(string path)
{
    await using FileStream file = File.OpenRead(path);
    return Convert.ToHexStringLower(await SHA256.HashDataAsync(file));
}

/// <summary>Prints one progress line, rewritten in place.</summary>
internal sealed class ConsoleProgress(long total) : IProgress<UploadProgress>
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public void Report(UploadProgress value)
    {
        double percent = total == 0 ? 100 : 100.0 * value.BytesAcknowledged / total;
        double mbPerSecond = value.BytesSent / 1e6 / Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
        Console.Write($"\r  sent {value.BytesSent / 1048576.0,8:F1} MiB, acknowledged {value.BytesAcknowledged / 1048576.0,8:F1} MiB ({percent,5:F1} %), parts {value.PartsCompleted}/{value.TotalParts}, retries {value.Retries}, {mbPerSecond,7:F1} MB/s   ");
    }
}

/// <summary>A write-only stream that hashes what it is given.</summary>
internal sealed class HashingStream : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => _hash.AppendData(buffer, offset, count);
    public override void Write(ReadOnlySpan<byte> buffer) => _hash.AppendData(buffer);
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _hash.AppendData(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public string Finish() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
