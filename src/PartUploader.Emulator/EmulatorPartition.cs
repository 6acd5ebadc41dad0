namespace PartUploader.Emulator;

/// <summary>A published partition of a versioned layer, as the metadata API reports it (spec publish-v2 section 4).</summary>
public sealed class EmulatorPartition
{
    /// <summary>The partition key.</summary>
    public required string Partition { get; init; }

    /// <summary>The data handle.</summary>
    public required string DataHandle { get; init; }

    /// <summary>The catalog version at which the partition was last written.</summary>
    public required long Version { get; init; }

    /// <summary>The published <c>dataSize</c>, or <see langword="null"/>.</summary>
    public long? DataSize { get; init; }

    /// <summary>The published <c>compressedDataSize</c>, or <see langword="null"/>.</summary>
    public long? CompressedDataSize { get; init; }

    /// <summary>The published <c>checksum</c>, or <see langword="null"/>.</summary>
    public string? Checksum { get; init; }

    /// <summary>The published <c>crc</c>, or <see langword="null"/>.</summary>
    public string? Crc { get; init; }

    /// <summary>A copy written at another catalog version.</summary>
    internal EmulatorPartition AtVersion(long version) => new()
    {
        Partition = Partition,
        DataHandle = DataHandle,
        Version = version,
        DataSize = DataSize,
        CompressedDataSize = CompressedDataSize,
        Checksum = Checksum,
        Crc = Crc,
    };
}
