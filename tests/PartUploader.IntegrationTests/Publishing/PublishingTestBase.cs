using System.Security.Cryptography;
using PartUploader.Emulator;
using PartUploader.IntegrationTests.EndToEnd;

namespace PartUploader.IntegrationTests.Publishing;

/// <summary>Publication clients against the emulator through the API lookup, and directories of generated files.</summary>
public abstract class PublishingTestBase : EmulatorTestBase
{
    protected const string Layer = BlobEmulatorOptions.DemoVersionedLayerId;

    protected PublishingTestBase(EmulatorFixture fixture)
        : base(fixture)
    {
        Emulator.Options.Publishing = new PublishEmulatorOptions();
        Root = Directory.CreateTempSubdirectory("partuploader-publish-").FullName;
    }

    protected string Root { get; }

    protected PublicationClient CreatePublisher(Action<PartUploadClientOptions>? configure = null) =>
        CreateClient(o =>
        {
            o.BaseUrl = null;
            o.CatalogHrn = Emulator.DefaultCatalogHrn;
            o.LookupUrl = Emulator.LookupUrl;
            configure?.Invoke(o);
        }).GetPublicationClient();

    /// <summary>Writes <paramref name="count"/> files of a few KiB (and the given large ones) below a new directory; returns the directory.</summary>
    protected string WriteDirectory(int count, params long[] largeSizes)
    {
        string dir = Path.Combine(Root, Guid.NewGuid().ToString("N"));
        for (int i = 0; i < count; i++)
        {
            string sub = Path.Combine(dir, "tiles", (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture));
            Directory.CreateDirectory(sub);
            File.WriteAllBytes(Path.Combine(sub, $"t{i}.bin"), Data(1024 + (i * 37), seed: i + 1));
        }

        for (int i = 0; i < largeSizes.Length; i++)
        {
            Directory.CreateDirectory(dir);
            File.WriteAllBytes(Path.Combine(dir, $"archive{i}.bin"), Data(largeSizes[i], seed: 1000 + i));
        }

        return dir;
    }

    protected static PublishOptions Options(Action<PublishOptions>? configure = null)
    {
        var options = new PublishOptions { LayerId = Layer };
        options.Wait.PollInterval = TimeSpan.FromMilliseconds(20);
        options.Wait.MaxPollInterval = TimeSpan.FromMilliseconds(100);
        configure?.Invoke(options);
        return options;
    }

    /// <summary>Every partition of the result is visible at its version with the metadata sent, and its blob holds the file's bytes.</summary>
    protected void ShouldBeVisible(PublicationResult result)
    {
        result.Version.ShouldNotBeNull();
        var visible = Emulator.GetPartitions(Layer, result.Version).ToDictionary(p => p.Partition, StringComparer.Ordinal);
        foreach (PublishedPartition sent in result.Partitions)
        {
            visible.TryGetValue(sent.PartitionId, out EmulatorPartition? found).ShouldBeTrue($"partition {sent.PartitionId} is not visible at version {result.Version}");
            found!.DataHandle.ShouldBe(sent.DataHandle);
            found.Version.ShouldBe(result.Version!.Value);
            byte[] bytes = File.ReadAllBytes(sent.Source);
            found.DataSize.ShouldBe(bytes.LongLength);
            found.Checksum.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(bytes)), "the layer's digest is SHA-256");
            found.Crc.ShouldBe(System.IO.Hashing.Crc32.HashToUInt32(System.IO.Hashing.Crc32ParameterSet.Crc32C, bytes).ToString("x8", System.Globalization.CultureInfo.InvariantCulture));
            ShouldHaveStored(sent.DataHandle, bytes);
        }
    }

    protected JournalEntry[] Since(DateTimeOffset start, EmulatorOperation operation) =>
        [.. Emulator.Journal.Entries.Where(e => e.Timestamp >= start && e.Operation == operation)];
}
