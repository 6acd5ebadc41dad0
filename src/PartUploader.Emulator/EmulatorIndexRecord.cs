using System.Text.Json;

namespace PartUploader.Emulator;

/// <summary>An index record inserted into an index layer (spec publish-v2 section 2).</summary>
public sealed class EmulatorIndexRecord
{
    /// <summary>The record ID (the data handle, a lowercase UUID).</summary>
    public required string Id { get; init; }

    /// <summary>The <c>size</c>, or <see langword="null"/>.</summary>
    public long? Size { get; init; }

    /// <summary>The <c>checksum</c>, or <see langword="null"/>.</summary>
    public string? Checksum { get; init; }

    /// <summary>The <c>crc</c>, or <see langword="null"/>.</summary>
    public string? Crc { get; init; }

    /// <summary>The <c>fields</c>, by name.</summary>
    public required IReadOnlyDictionary<string, JsonElement> Fields { get; init; }

    /// <summary>The <c>metadata</c> (empty when none was sent).</summary>
    public required IReadOnlyDictionary<string, string> Metadata { get; init; }
}
