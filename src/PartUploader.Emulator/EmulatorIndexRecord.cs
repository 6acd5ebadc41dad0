using System.Text.Json;

namespace PartUploader.Emulator;

/// <summary>An index record inserted into an index layer (spec publish-v2 section 2).</summary>
/// <param name="Id">The record ID (the data handle, a lowercase UUID).</param>
/// <param name="Size">The <c>size</c>, or <see langword="null"/>.</param>
/// <param name="Checksum">The <c>checksum</c>, or <see langword="null"/>.</param>
/// <param name="Crc">The <c>crc</c>, or <see langword="null"/>.</param>
/// <param name="Fields">The <c>fields</c>, by name.</param>
/// <param name="Metadata">The <c>metadata</c> (empty when none was sent).</param>
public sealed record EmulatorIndexRecord(
    string Id,
    long? Size,
    string? Checksum,
    string? Crc,
    IReadOnlyDictionary<string, JsonElement> Fields,
    IReadOnlyDictionary<string, string> Metadata);
