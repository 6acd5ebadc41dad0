using System.IO.Compression;
using System.Security.Cryptography;
using PartUploader.Emulator;

namespace PartUploader.IntegrationTests.Publishing;

/// <summary>A versioned layer that stores gzip data: files compressed while they upload, sizes and checksum as the spec says.</summary>
public sealed class GzipLayerTests : IAsyncLifetime, IDisposable
{
    private const string GzipLayer = "gzipped";
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly string _dir = Directory.CreateTempSubdirectory("partuploader-gzip-").FullName;
    private BlobEmulator _emulator = null!;

    public async Task InitializeAsync()
    {
        IList<EmulatorCatalog> catalogs = BlobEmulatorOptions.CreateDefaultCatalogs();
        catalogs[0].Layers.Add(new EmulatorLayer { Id = GzipLayer, ContentType = "application/json", ContentEncoding = "gzip", Digest = "SHA-256", Crc = "CRC-32C" });
        _emulator = await BlobEmulator.StartAsync(new BlobEmulatorOptions { Catalogs = catalogs, ProcessingDelay = TimeSpan.FromMilliseconds(20) });
    }

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Publish_ToAGzipLayer_CompressesWhileUploading_WithUncompressedSizeAndChecksumAndTheStoredSize()
    {
        // Compressible JSON-like text: a large file (multipart after compression) and a few small ones.
        string large = Write("large.json", 30 * 1024 * 1024, seed: 1);
        string[] small = [Write("a.json", 700, 2), Write("b.json", 50_000, 3), Write("empty.json", 0, 4)];
        PublicationClient publisher = Client(o => { o.SingleShotThreshold = 5 * 1024 * 1024; o.PartSize = 5 * 1024 * 1024; });
        var options = new PublishOptions { LayerId = GzipLayer };
        options.Wait.PollInterval = TimeSpan.FromMilliseconds(20);

        PublicationResult result = await publisher.PublishAsync(PublishItem.FromDirectory(_dir), options);

        result.Verified.ShouldBeTrue();
        var stored = _emulator.GetPartitions(GzipLayer, result.Version).ToDictionary(p => p.Partition, StringComparer.Ordinal);
        foreach (string file in small.Append(large))
        {
            byte[] original = await File.ReadAllBytesAsync(file);
            PublishedPartition sent = result.Partitions.Single(p => p.Source == file);
            sent.DataSize.ShouldBe(original.LongLength, "dataSize is the uncompressed size");
            sent.Checksum.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(original)), "the checksum covers the uncompressed bytes");
            sent.Crc.ShouldBeNull("no crc is sent for gzip data (P5)");
            EmulatorPartition partition = stored[sent.PartitionId];
            partition.DataSize.ShouldBe(original.LongLength);
            partition.CompressedDataSize.ShouldBe(sent.CompressedDataSize);
            partition.Crc.ShouldBeNull();

            using Stream blob = _emulator.OpenBlob(GzipLayer, sent.DataHandle)!;
            using var gzipped = new MemoryStream();
            await blob.CopyToAsync(gzipped);
            gzipped.Length.ShouldBe(sent.CompressedDataSize!.Value, "compressedDataSize is the stored size");
            gzipped.Position = 0;
            using var inflated = new MemoryStream();
            await using (var gzip = new GZipStream(gzipped, CompressionMode.Decompress))
            {
                await gzip.CopyToAsync(inflated);
            }

            inflated.ToArray().ShouldBe(original, "the stored blob inflates to the file");
            _emulator.GetBlob(GzipLayer, sent.DataHandle)!.ContentType.ShouldBe("application/json");
        }

        result.Partitions.Single(p => p.Source == large).CompressedDataSize!.Value.ShouldBeLessThan(new FileInfo(large).Length / 2, "the text compressed");
        _emulator.Uploads.ShouldContain(u => u.DataHandle == result.Partitions.Single(p => p.Source == large).DataHandle, "the large file went as a multipart upload");
    }

    [Fact]
    public async Task Publish_ToAGzipLayerWithAJournal_IsRefusedBeforeAnyUpload()
    {
        Write("x.json", 100, 5);
        var options = new PublishOptions { LayerId = GzipLayer, JournalDirectory = Path.Combine(_dir, "journal") };

        (await Should.ThrowAsync<ArgumentException>(() => Client().PublishAsync(PublishItem.FromDirectory(_dir, include: ["*.json"]), options)))
            .Message.ShouldContain("gzip");
        _emulator.Journal.Entries.ShouldNotContain(e => e.Operation == EmulatorOperation.InitPublication || e.Operation == EmulatorOperation.PutBlob);
    }

    private PublicationClient Client(Action<PartUploadClientOptions>? configure = null)
    {
        var options = new PartUploadClientOptions { CatalogHrn = _emulator.DefaultCatalogHrn, LookupUrl = _emulator.LookupUrl };
        configure?.Invoke(options);
        return new PartUploadClient(_http, options, AccessTokenSource.FromToken(_emulator.IssueAccessToken())).GetPublicationClient();
    }

    private string Write(string name, int length, int seed)
    {
        var random = new Random(seed);
        string[] words = ["road", "tile", "lane", "speed", "sign", "{\"id\":", "}", ",", "42", "true"];
        var text = new System.Text.StringBuilder(length + 16);
        while (text.Length < length)
        {
            text.Append(words[random.Next(words.Length)]).Append(random.Next()).Append(' '); // numbers keep it from compressing too well
        }

        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text.ToString(0, length));
        return path;
    }
}
