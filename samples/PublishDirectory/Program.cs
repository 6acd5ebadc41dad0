// Publishes a directory to the embedded emulator's versioned layer through the production path (credentials file,
// OAuth token, API lookup by catalog HRN), then reads every partition back, metadata and blob, and proves the
// published set equals the directory: same partition ids, every blob byte-identical to its file (SHA-256).
//
//   dotnet run --project samples/PublishDirectory              # generates 200 small files and one of 20 MiB
//   dotnet run --project samples/PublishDirectory -- DIRECTORY # publishes DIRECTORY (ids: relative path, '/' -> ':')
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using PartUploader;
using PartUploader.Emulator;

const string Layer = BlobEmulatorOptions.DemoVersionedLayerId; // versioned; digest SHA-256, CRC-32C
string workDir = Directory.CreateTempSubdirectory("partuploader-publish-sample-").FullName;
try
{
    string directory = args.Length > 0 ? Path.GetFullPath(args[0]) : GenerateDirectory(Path.Combine(workDir, "release"));
    Dictionary<string, string> files = ExpectedPartitions(directory); // partition id -> file
    Console.WriteLine($"Directory: {files.Count} files, {files.Values.Sum(f => new FileInfo(f).Length):N0} bytes");

    await using BlobEmulator emulator = await BlobEmulator.StartAsync();
    string credentialsFile = emulator.WriteCredentialsFile(Path.Combine(workDir, "credentials.properties"));
    Console.WriteLine($"Emulator: lookup {emulator.LookupUrl}, catalog {emulator.DefaultCatalogHrn}, layer {Layer}");

    // The production path: credentials.properties -> OAuth 1.0a-signed token request -> lookup by HRN.
    using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
    var tokens = new HereTokenSource(HereCredentials.FromFile(credentialsFile), http);
    var client = new PartUploadClient(http, new PartUploadClientOptions
    {
        CatalogHrn = emulator.DefaultCatalogHrn,
        LookupUrl = emulator.LookupUrl,
    }, tokens);
    PublicationClient publisher = client.GetPublicationClient();

    // One call: read the layer, check every id, upload, add partitions in batches, submit once, wait, verify.
    var stopwatch = Stopwatch.StartNew();
    PublicationResult result = await publisher.PublishAsync(PublishItem.FromDirectory(directory), new PublishOptions
    {
        LayerId = Layer,
        Progress = new StageProgress(),
    });
    stopwatch.Stop();
    Console.WriteLine($"Published: publication {result.PublicationId} {result.State}, {result.Partitions.Count} partitions, "
        + $"{result.Bytes:N0} bytes in {stopwatch.Elapsed.TotalSeconds:F1} s, metadata verified by the SDK: {result.Verified}");
    long version = result.Version ?? throw new InvalidOperationException("The publication was not waited for.");
    Console.WriteLine($"New catalog version: {version}");

    // Read everything back: the partitions through the metadata API, each blob through a GET.
    IReadOnlyList<PartitionMetadata> partitions = await publisher.GetPartitionsAsync(Layer, version);
    var problems = new List<string>();
    foreach (string missing in files.Keys.Except(partitions.Select(p => p.PartitionId), StringComparer.Ordinal))
    {
        problems.Add($"{missing}: no partition at version {version}");
    }

    int identical = 0;
    foreach (PartitionMetadata partition in partitions)
    {
        if (!files.TryGetValue(partition.PartitionId, out string? file))
        {
            problems.Add($"{partition.PartitionId}: a partition with no file");
            continue;
        }

        string fileSha = await Sha256Async(file);
        using var hasher = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long downloaded = await client.DownloadToAsync(Layer, partition.DataHandle, new HashingStream(hasher), options: null, CancellationToken.None);
        string blobSha = Convert.ToHexStringLower(hasher.GetHashAndReset());
        if (blobSha != fileSha || downloaded != new FileInfo(file).Length)
        {
            problems.Add($"{partition.PartitionId}: blob {partition.DataHandle} differs from {file}");
        }
        else if (partition.Checksum != fileSha || partition.DataSize != downloaded)
        {
            problems.Add($"{partition.PartitionId}: metadata (size {partition.DataSize}, checksum {partition.Checksum}) differs from the file");
        }
        else
        {
            identical++;
        }
    }

    Console.WriteLine($"Read back: {partitions.Count} partitions at version {version}, {identical} byte-identical to their files (SHA-256), "
        + $"partition set {(problems.Count == 0 ? "equal to" : "NOT equal to")} the file set");
    foreach (string problem in problems.Take(20))
    {
        Console.Error.WriteLine("MISMATCH: " + problem);
    }

    Console.WriteLine(problems.Count == 0 ? "OK: every file is published, byte-identical." : $"FAILED: {problems.Count} mismatch(es).");
    return problems.Count == 0 ? 0 : 1;
}
catch (Exception ex) when (ex is ArgumentException or PartUploadException)
{
    // An invalid partition id (ArgumentException) is refused before any upload; a PublicationException names the publication.
    Console.Error.WriteLine($"FAILED: {ex.Message}");
    return 2;
}
finally
{
    Directory.Delete(workDir, recursive: true);
}

// 200 files of 1-64 KiB in four folders, and one 20 MiB archive (uploaded as a multipart upload).
static string GenerateDirectory(string root)
{
    var random = new Random(20261125);
    for (int i = 0; i < 200; i++)
    {
        string folder = Path.Combine(root, "tiles", (i % 4).ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(folder);
        byte[] data = new byte[random.Next(1024, (64 * 1024) + 1)];
        random.NextBytes(data);
        File.WriteAllBytes(Path.Combine(folder, $"t{i:D3}.bin"), data);
    }

    byte[] archive = new byte[20 * 1024 * 1024];
    random.NextBytes(archive);
    File.WriteAllBytes(Path.Combine(root, "archive.bin"), archive);
    return root;
}

// What the partition ids must be, computed here from the files (PartitionNaming.RelativePath: '/' -> ':').
static Dictionary<string, string> ExpectedPartitions(string root) =>
    Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
        .ToDictionary(f => Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, ':'), f => f, StringComparer.Ordinal);

static async Task<string> Sha256Async(string path)
{
    await using FileStream file = File.OpenRead(path);
    return Convert.ToHexStringLower(await SHA256.HashDataAsync(file));
}

/// <summary>Prints each stage of the publication once.</summary>
internal sealed class StageProgress : IProgress<PublicationProgress>
{
    private PublicationStage? _last;

    public void Report(PublicationProgress value)
    {
        if (value.Stage != _last)
        {
            _last = value.Stage;
            Console.WriteLine($"  {value.Stage}: {value.ItemsUploaded}/{value.ItemsTotal} items uploaded, {value.PartitionsAdded} partitions added");
        }
    }
}

/// <summary>A write-only stream that hashes what it is given.</summary>
internal sealed class HashingStream(IncrementalHash hash) : Stream
{
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => hash.AppendData(buffer, offset, count);
    public override void Write(ReadOnlySpan<byte> buffer) => hash.AppendData(buffer);
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        hash.AppendData(buffer.Span);
        return ValueTask.CompletedTask;
    }
}
