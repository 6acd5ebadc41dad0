using PartUploader.Internal.Publishing;

namespace PartUploader.Tests.Publishing;

public sealed class LayerChecksTests
{
    private static readonly LayerSettings Layer = new("v", "versioned", "application/x-protobuf", null, PartitionChecksum.Sha256, false, [], [], false, FromService: true);

    [Fact]
    public void ContentType_NoneGiven_IsTheLayers() => LayerChecks.ContentType(Layer, null, null).ShouldBe("application/x-protobuf");

    [Fact]
    public void ContentType_TheLayersInAnotherCase_IsAccepted() => LayerChecks.ContentType(Layer, "Application/X-Protobuf", PartitionChecksum.Sha256).ShouldBe("Application/X-Protobuf");

    [Theory]
    [InlineData("other content type", PartUploadErrorCodes.LayerMismatch)] // P37
    [InlineData("other checksum", PartUploadErrorCodes.LayerMismatch)] // P30: the layer's digest governs
    [InlineData("secure handles", PartUploadErrorCodes.LayerMismatch)] // P35
    [InlineData("composite", PartUploadErrorCodes.LayerMismatch)] // P34
    [InlineData("gzip", PartUploadErrorCodes.LayerMismatch)] // P5: not supported yet
    [InlineData("no content type known", PartUploadErrorCodes.ConfigUnavailable)] // P28: a needed value is missing
    public void ContentType_LayerOrOptionsThatDoNotFit_AreRefusedWithTheirCode(string problem, string code)
    {
        (LayerSettings layer, string? contentType, PartitionChecksum? checksum) = problem switch
        {
            "other content type" => (Layer, "application/json", (PartitionChecksum?)null),
            "other checksum" => (Layer, null, PartitionChecksum.Md5),
            "secure handles" => (Layer with { SecureHandles = true }, null, null),
            "composite" => (Layer with { Composite = true }, null, null),
            "gzip" => (Layer with { ContentEncoding = "gzip" }, null, null),
            _ => (Layer with { ContentType = null, FromService = false }, null, null),
        };

        PublicationException error = Should.Throw<PublicationException>(() => LayerChecks.ContentType(layer, contentType, checksum));

        error.ErrorCode.ShouldBe(code);
        error.Message.ShouldContain("nothing was sent", Case.Insensitive);
    }

    [Fact]
    public void ContentType_ConfigUnreadable_TakesTheCallersChecksumWithoutComparing()
    {
        LayerSettings fallback = Layer with { FromService = false, Checksum = PartitionChecksum.Md5 };

        LayerChecks.ContentType(fallback, "application/x-protobuf", PartitionChecksum.Md5).ShouldBe("application/x-protobuf");
    }
}
