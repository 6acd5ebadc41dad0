using PartUploader.Emulator;

namespace PartUploader.Cli.Tests;

/// <summary>The CLI's emulator with one more layer in the demo catalog whose content encoding is gzip (for <c>--gzip</c> and <c>--content-encoding</c>).</summary>
public sealed class ParityEmulatorFixture : CliEmulatorFixture
{
    public const string GzipLayer = "gzipped";

    protected override BlobEmulatorOptions CreateOptions()
    {
        BlobEmulatorOptions options = new();
        options.Catalogs[0].Layers.Add(new EmulatorLayer { Id = GzipLayer, ContentType = "application/octet-stream", ContentEncoding = "gzip" });
        return options;
    }
}
