namespace PartUploader.Emulator;

/// <summary>A layer of an emulated catalog.</summary>
public sealed class EmulatorLayer
{
    /// <summary>Gets or sets the layer ID used in blob paths.</summary>
    /// <value>The default value is <c>"versioned"</c>.</value>
    public string Id { get; set; } = "versioned";

    /// <summary>Gets or sets the content type every upload to the layer must declare.</summary>
    /// <value>The default value is <c>"application/octet-stream"</c>.</value>
    public string ContentType { get; set; } = "application/octet-stream";

    /// <summary>Gets or sets the layer's content encoding (for example <c>gzip</c>), or <see langword="null"/> for none.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? ContentEncoding { get; set; }

    /// <summary>Gets or sets the layer type; DELETE is allowed on <see cref="EmulatorLayerType.Index"/> layers only.</summary>
    /// <value>The default value is <see cref="EmulatorLayerType.Versioned"/>.</value>
    public EmulatorLayerType LayerType { get; set; } = EmulatorLayerType.Versioned;

    /// <summary>Gets or sets the layer's digest algorithm as the config API names it (<c>MD5</c>, <c>SHA-1</c> or <c>SHA-256</c>),
    /// or <see langword="null"/> for none (spec publish-v2 10.2, section 5). Strict checksum lengths follow it (spec publish-v2 P6).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Digest { get; set; }

    /// <summary>Gets or sets the layer's CRC algorithm (<c>CRC-32C</c>, the only value), or <see langword="null"/> for none (spec publish-v2 10.2).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Crc { get; set; }

    /// <summary>Gets or sets the partitioning scheme: <c>generic</c> or <c>heretile</c> (spec publish-v2 10.2, P23, P31).</summary>
    /// <value>The default value is <c>"generic"</c>.</value>
    public string PartitioningScheme { get; set; } = "generic";

    /// <summary>Gets or sets the tile levels of a <c>heretile</c> layer; a partition key must be a tile of one of them (spec publish-v2 P31).
    /// Empty accepts any level.</summary>
    /// <value>The default value is an empty list.</value>
    public IList<int> TileLevels { get; set; } = [];

    /// <summary>Gets or sets the index definitions of an index layer: the names and types of every record's <c>fields</c> (spec publish-v2 10.2, P32).</summary>
    /// <value>The default value is an empty list.</value>
    public IList<EmulatorIndexDefinition> IndexDefinitions { get; set; } = [];

    /// <summary>Gets or sets the index ttl the config API reports for an index layer (for example <c>7.days</c>; spec publish-v2 10.2). Informational.</summary>
    /// <value>The default value is <c>"7.days"</c>.</value>
    public string IndexTtl { get; set; } = "7.days";
}
