namespace PartUploader.Emulator;

/// <summary>What the emulator knows of one stored blob.</summary>
/// <param name="Length">The blob length in bytes.</param>
/// <param name="Crc32C">The CRC-32C of the whole blob.</param>
/// <param name="Sha256">The SHA-256 of the whole blob in lowercase hex, or <see langword="null"/> in discard mode (the bytes are gone).</param>
/// <param name="ContentType">The content type the blob was stored with.</param>
public sealed record StoredBlob(long Length, uint Crc32C, string? Sha256, string ContentType);
