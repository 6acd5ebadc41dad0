namespace PartUploader.Emulator;

/// <summary>A published partition of a versioned layer, as the metadata API reports it (spec publish-v2 section 4).</summary>
/// <param name="Partition">The partition key.</param>
/// <param name="DataHandle">The data handle.</param>
/// <param name="Version">The catalog version at which the partition was last written.</param>
/// <param name="DataSize">The published <c>dataSize</c>, or <see langword="null"/>.</param>
/// <param name="CompressedDataSize">The published <c>compressedDataSize</c>, or <see langword="null"/>.</param>
/// <param name="Checksum">The published <c>checksum</c>, or <see langword="null"/>.</param>
/// <param name="Crc">The published <c>crc</c>, or <see langword="null"/>.</param>
public sealed record EmulatorPartition(
    string Partition,
    string DataHandle,
    long Version,
    long? DataSize,
    long? CompressedDataSize,
    string? Checksum,
    string? Crc);
