using System.Text.Json;
using System.Text.Json.Serialization;

namespace PartUploader.Internal.Protocol.Publishing;

/// <summary>Body of the initialize call (publish spec 1.1).</summary>
internal sealed class InitPublicationRequest
{
    [JsonPropertyName("layerIds")]
    public required IReadOnlyList<string> LayerIds { get; init; }

    [JsonPropertyName("versionDependencies")]
    public IReadOnlyList<VersionDependencyWire> VersionDependencies { get; init; } = [];
}

internal sealed class VersionDependencyWire
{
    [JsonPropertyName("direct")]
    public bool Direct { get; init; }

    [JsonPropertyName("hrn")]
    public required string Hrn { get; init; }

    [JsonPropertyName("version")]
    public long Version { get; init; }
}

/// <summary>A publication as the service returns it (publish spec 1.1, 1.4).</summary>
internal sealed class PublicationWire
{
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    [JsonPropertyName("catalogVersion")]
    public long? CatalogVersion { get; init; }

    [JsonPropertyName("layerIds")]
    public IReadOnlyList<string>? LayerIds { get; init; }

    [JsonPropertyName("details")]
    public PublicationDetailsWire? Details { get; init; }
}

internal sealed class PublicationDetailsWire
{
    [JsonPropertyName("state")]
    public string? State { get; init; }

    [JsonPropertyName("message")]
    public string? Message { get; init; }

    [JsonPropertyName("started")]
    public long? Started { get; init; }

    [JsonPropertyName("modified")]
    public long? Modified { get; init; }

    [JsonPropertyName("expires")]
    public long? Expires { get; init; }
}

/// <summary>Body of the partition metadata upload (publish spec 1.2).</summary>
internal sealed class PublishPartitionsRequest
{
    [JsonPropertyName("partitions")]
    public required IReadOnlyList<PublishPartitionWire> Partitions { get; init; }
}

/// <summary>One partition's metadata; <c>data</c>, <c>timestamp</c> and <c>additionalMetadata</c> are never sent (P2, P16).</summary>
internal sealed class PublishPartitionWire
{
    [JsonPropertyName("partition")]
    public required string Partition { get; init; }

    [JsonPropertyName("dataHandle")]
    public required string DataHandle { get; init; }

    [JsonPropertyName("dataSize")]
    public long? DataSize { get; init; }

    [JsonPropertyName("compressedDataSize")]
    public long? CompressedDataSize { get; init; }

    [JsonPropertyName("checksum")]
    public string? Checksum { get; init; }

    [JsonPropertyName("crc")]
    public string? Crc { get; init; }
}

/// <summary>Answer of <c>GET /versions/latest</c> (publish spec 4).</summary>
internal sealed class LatestVersionWire
{
    [JsonPropertyName("version")]
    public long? Version { get; init; }
}

/// <summary>A page of partitions from the metadata or query API (publish spec 4).</summary>
internal sealed class PartitionsPageWire
{
    [JsonPropertyName("partitions")]
    public IReadOnlyList<PartitionWire?>? Partitions { get; init; }

    [JsonPropertyName("next")]
    public string? Next { get; init; }
}

internal sealed class PartitionWire
{
    [JsonPropertyName("partition")]
    public string? Partition { get; init; }

    [JsonPropertyName("version")]
    public long? Version { get; init; }

    [JsonPropertyName("dataHandle")]
    public string? DataHandle { get; init; }

    [JsonPropertyName("dataSize")]
    public long? DataSize { get; init; }

    [JsonPropertyName("compressedDataSize")]
    public long? CompressedDataSize { get; init; }

    [JsonPropertyName("checksum")]
    public string? Checksum { get; init; }

    [JsonPropertyName("crc")]
    public string? Crc { get; init; }
}

/// <summary>One index record (publish spec 2).</summary>
internal sealed class IndexRecordWire
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("size")]
    public long? Size { get; init; }

    [JsonPropertyName("checksum")]
    public string? Checksum { get; init; }

    [JsonPropertyName("crc")]
    public string? Crc { get; init; }

    [JsonPropertyName("fields")]
    public required IReadOnlyDictionary<string, JsonElement> Fields { get; init; }

    [JsonPropertyName("metadata")]
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}

/// <summary>The catalog configuration (publish spec 10); parsed leniently (P29).</summary>
internal sealed class CatalogConfigWire
{
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    [JsonPropertyName("hrn")]
    public string? Hrn { get; init; }

    [JsonPropertyName("layers")]
    public IReadOnlyList<LayerConfigWire?>? Layers { get; init; }
}

internal sealed class LayerConfigWire
{
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    [JsonPropertyName("layerType")]
    public string? LayerType { get; init; }

    [JsonPropertyName("contentType")]
    public string? ContentType { get; init; }

    [JsonPropertyName("contentEncoding")]
    public string? ContentEncoding { get; init; }

    [JsonPropertyName("partitioning")]
    public PartitioningWire? Partitioning { get; init; }

    [JsonPropertyName("partitioningScheme")]
    public string? PartitioningScheme { get; init; }

    [JsonPropertyName("digest")]
    public string? Digest { get; init; }

    [JsonPropertyName("crc")]
    public string? Crc { get; init; }

    [JsonPropertyName("secureHandles")]
    public bool? SecureHandles { get; init; }

    [JsonPropertyName("indexProperties")]
    public IndexPropertiesWire? IndexProperties { get; init; }

    [JsonPropertyName("versionedLayerProperties")]
    public VersionedLayerPropertiesWire? VersionedLayerProperties { get; init; }
}

internal sealed class VersionedLayerPropertiesWire
{
    /// <summary>A composite layer's base (<c>catalogHrn</c>, <c>layerId</c>); kept raw: only its presence matters here (P34).</summary>
    [JsonPropertyName("extends")]
    public JsonElement Extends { get; init; }
}

internal sealed class PartitioningWire
{
    [JsonPropertyName("scheme")]
    public string? Scheme { get; init; }

    [JsonPropertyName("tileLevels")]
    public IReadOnlyList<long>? TileLevels { get; init; }
}

internal sealed class IndexPropertiesWire
{
    [JsonPropertyName("ttl")]
    public string? Ttl { get; init; }

    [JsonPropertyName("indexDefinitions")]
    public IReadOnlyList<IndexDefinitionWire?>? IndexDefinitions { get; init; }
}

internal sealed class IndexDefinitionWire
{
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("type")]
    public string? Type { get; init; }
}

/// <summary>An error body of the metadata/query style: <c>{"title","status","detail":[{"name","error"}]}</c> (publish spec 1.7).</summary>
internal sealed class DetailedErrorWire
{
    [JsonPropertyName("title")]
    public string? Title { get; init; }

    [JsonPropertyName("detail")]
    public JsonElement Detail { get; init; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(InitPublicationRequest))]
[JsonSerializable(typeof(PublicationWire))]
[JsonSerializable(typeof(PublishPartitionsRequest))]
[JsonSerializable(typeof(LatestVersionWire))]
[JsonSerializable(typeof(PartitionsPageWire))]
[JsonSerializable(typeof(IReadOnlyList<IndexRecordWire>))]
[JsonSerializable(typeof(IndexRecordWire[]))]
[JsonSerializable(typeof(CatalogConfigWire))]
[JsonSerializable(typeof(DetailedErrorWire))]
[JsonSerializable(typeof(string))]
internal sealed partial class PublishJsonContext : JsonSerializerContext
{
}
