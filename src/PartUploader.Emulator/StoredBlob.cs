namespace PartUploader.Emulator;

/// <summary>What the emulator knows of one stored blob.</summary>
public sealed class StoredBlob
{
    /// <summary>The blob length in bytes.</summary>
    public required long Length { get; init; }

    /// <summary>The CRC-32C of the whole blob.</summary>
    public required uint Crc32C { get; init; }

    /// <summary>The SHA-256 of the whole blob in lowercase hex, or <see langword="null"/> in discard mode (the bytes are gone).</summary>
    public string? Sha256 { get; init; }

    /// <summary>The content type the blob was stored with.</summary>
    public required string ContentType { get; init; }
}
