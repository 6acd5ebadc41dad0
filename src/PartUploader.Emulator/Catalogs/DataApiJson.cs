using System.Text.Json;
using System.Text.Json.Serialization;

namespace PartUploader.Emulator.Catalogs;

/// <summary>A publication as publish v2 answers it (spec publish-v2 1.1).</summary>
internal sealed record PublicationWire(string Id, string CatalogId, long CatalogVersion, IReadOnlyList<string> LayerIds, PublicationDetailsWire Details);

/// <summary>The <c>details</c> of a publication; times in epoch milliseconds.</summary>
internal sealed record PublicationDetailsWire(string State, string? Message, long Started, long Modified, long Expires);

/// <summary>One partition of a metadata or query answer (spec publish-v2 section 4); optional fields only when requested.</summary>
internal sealed record PartitionWire(string Partition, long Version, string DataHandle, long? DataSize, string? Checksum, long? CompressedDataSize, string? Crc);

/// <summary>A metadata or query partitions answer.</summary>
internal sealed record PartitionsWire(IReadOnlyList<PartitionWire> Partitions, string? Next);

/// <summary>The answer of <c>/versions/latest</c>.</summary>
internal sealed record LatestVersionWire(long Version);

/// <summary>The answer of an index read: <c>{"data":[...]}</c>.</summary>
internal sealed record IndexDataWire(IReadOnlyList<EmulatorIndexRecord> Data);

/// <summary>One entry of a data-API error's <c>detail</c> (spec publish-v2 1.7).</summary>
internal sealed record ProblemDetailWire(string Name, string Error);

/// <summary>A data-API error: <c>{"title","status","detail"?}</c> (spec publish-v2 1.7, section 4).</summary>
internal sealed record ProblemWire(string Title, int Status, IReadOnlyList<ProblemDetailWire>? Detail);

/// <summary>One catalog version made by a publication (admin endpoint).</summary>
internal sealed record CatalogVersionRecord(string CatalogHrn, long Version, string? PublicationId, DateTimeOffset CreatedAt);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PublicationWire))]
[JsonSerializable(typeof(PartitionsWire))]
[JsonSerializable(typeof(LatestVersionWire))]
[JsonSerializable(typeof(IndexDataWire))]
[JsonSerializable(typeof(ProblemWire))]
[JsonSerializable(typeof(IReadOnlyList<PublicationRecord>))]
[JsonSerializable(typeof(IReadOnlyList<CatalogVersionRecord>))]
internal sealed partial class DataApiJsonContext : JsonSerializerContext;
