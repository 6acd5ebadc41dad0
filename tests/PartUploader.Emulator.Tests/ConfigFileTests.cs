using System.Text.Json;
using PartUploader.Emulator.Internal;

namespace PartUploader.Emulator.Tests;

public sealed class ConfigFileTests
{
    [Fact]
    public void Deserialize_ConfigJson_BindsCatalogsAndSwitches()
    {
        const string json = """
            {
              "catalogs": [
                { "hrn": "hrn:here:data::acme:maps", "layers": [
                  { "id": "tiles", "contentType": "application/x-protobuf", "contentEncoding": "gzip", "layerType": "Versioned" },
                  { "id": "idx", "contentType": "application/octet-stream", "layerType": "Index" } ] }
              ],
              "assembleBy": "NumberOrder",
              "minimumPartSize": 5000000,
              "processingDelay": "00:00:01",
              "tokenBodyFormats": "Form",
              "statusOfUnknownUpload": "Processing",
              "maxDataHandleLength": 1024
            }
            """;

        BlobEmulatorOptions options = JsonSerializer.Deserialize(json, EmulatorJsonContext.Default.BlobEmulatorOptions)!;

        options.Catalogs.Single().Layers.Select(l => l.LayerType).ShouldBe([EmulatorLayerType.Versioned, EmulatorLayerType.Index]);
        options.Catalogs.Single().Layers[0].ContentEncoding.ShouldBe("gzip");
        options.AssembleBy.ShouldBe(PartAssemblyOrder.NumberOrder);
        options.MinimumPartSize.ShouldBe(5_000_000);
        options.ProcessingDelay.ShouldBe(TimeSpan.FromSeconds(1));
        options.TokenBodyFormats.ShouldBe(TokenBodyFormats.Form);
        options.StatusOfUnknownUpload.ShouldBe(UnknownUploadStatus.Processing);
        options.MaxDataHandleLength.ShouldBe(1024);
        options.QuotedETags.ShouldBeTrue();
    }

    [Fact]
    public void Deserialize_ConfigJson_BindsPublishingLayerFieldsAndSwitches()
    {
        const string json = """
            {
              "catalogs": [
                { "hrn": "hrn:here:data::acme:maps", "layers": [
                  { "id": "tiles", "contentType": "application/x-protobuf", "layerType": "Versioned", "digest": "SHA-1", "crc": "CRC-32C",
                    "partitioningScheme": "heretile", "tileLevels": [12, 14] },
                  { "id": "idx", "contentType": "application/octet-stream", "layerType": "Index", "indexTtl": "1.month",
                    "indexDefinitions": [ { "name": "tile", "type": "heretile", "zoomLevel": 12 }, { "name": "t", "type": "timewindow", "duration": 600000 } ] } ] }
              ],
              "publishing": {
                "processingDelay": "00:00:02",
                "outcome": "Failed",
                "handleCheck": "FailAtProcessing",
                "initOverInitialized": "Conflict",
                "maxPartitionsPerRequest": null,
                "wrongStateStatus": 400,
                "metadataPageSize": 50
              }
            }
            """;

        BlobEmulatorOptions options = JsonSerializer.Deserialize(json, EmulatorJsonContext.Default.BlobEmulatorOptions)!;

        EmulatorLayer tiles = options.Catalogs.Single().Layers[0];
        tiles.Digest.ShouldBe("SHA-1");
        tiles.Crc.ShouldBe("CRC-32C");
        tiles.PartitioningScheme.ShouldBe("heretile");
        tiles.TileLevels.ShouldBe([12, 14]);
        EmulatorLayer idx = options.Catalogs.Single().Layers[1];
        idx.IndexTtl.ShouldBe("1.month");
        idx.IndexDefinitions.Select(d => (d.Name, d.Type, d.Duration, d.ZoomLevel)).ShouldBe([("tile", "heretile", (long?)null, (int?)12), ("t", "timewindow", 600_000, null)]);
        options.Publishing.ProcessingDelay.ShouldBe(TimeSpan.FromSeconds(2));
        options.Publishing.Outcome.ShouldBe(PublicationOutcome.Failed);
        options.Publishing.HandleCheck.ShouldBe(HandleCheckMode.FailAtProcessing);
        options.Publishing.InitOverInitialized.ShouldBe(ActivePublicationPolicy.Conflict);
        options.Publishing.MaxPartitionsPerRequest.ShouldBeNull();
        options.Publishing.WrongStateStatus.ShouldBe(400);
        options.Publishing.MetadataPageSize.ShouldBe(50);
        options.Publishing.IdleExpiry.ShouldBe(TimeSpan.FromHours(72));
    }

    [Fact]
    public void Crc32CCombine_TwoHalves_EqualsWholeCrc()
    {
        byte[] data = BlobApi.RandomBytes(100_003, seed: 4);

        uint combined = Crc32CMath.Combine(Crc32CMath.Hash(data.AsSpan(0, 40_000)), Crc32CMath.Hash(data.AsSpan(40_000)), data.Length - 40_000);

        combined.ShouldBe(Crc32CMath.Hash(data));
        Crc32CMath.Hash("123456789"u8).ShouldBe(0xE3069283u);
    }
}
