namespace PartUploader;

/// <summary>The states of a publication, as the publish API reports them.</summary>
public enum PublicationState
{
    /// <summary>A state this client does not know; see <see cref="PublicationInfo.RawState"/>.</summary>
    Unknown = 0,

    /// <summary>Accepts partition metadata; can be submitted or cancelled; expires when idle.</summary>
    Initialized,

    /// <summary>Being processed; accepts nothing more and cannot be cancelled.</summary>
    Submitted,

    /// <summary>Processed: a new catalog version holds its partitions.</summary>
    Succeeded,

    /// <summary>Processing failed; <see cref="PublicationInfo.Message"/> says why.</summary>
    Failed,

    /// <summary>Cancelled before submit (by a client, or by a newer publication of the catalog).</summary>
    Cancelled,

    /// <summary>Expired while idle.</summary>
    Expired,
}

/// <summary>A publication as the service last described it.</summary>
public sealed class PublicationInfo
{
    /// <summary>Gets the publication id (opaque).</summary>
    public required string Id { get; init; }

    /// <summary>Gets the state.</summary>
    public required PublicationState State { get; init; }

    /// <summary>Gets the state as the service spelled it.</summary>
    public required string RawState { get; init; }

    /// <summary>Gets the service's message about the state, for example why it failed.</summary>
    public string? Message { get; init; }

    /// <summary>Gets the catalog version the publication was initialized over (-1 for a catalog without versions).</summary>
    public long? BaseVersion { get; init; }

    /// <summary>Gets the layers the publication covers.</summary>
    public IReadOnlyList<string> LayerIds { get; init; } = [];

    /// <summary>Gets when the publication was started.</summary>
    public DateTimeOffset? Started { get; init; }

    /// <summary>Gets when the publication last changed.</summary>
    public DateTimeOffset? Modified { get; init; }

    /// <summary>Gets when an idle publication expires.</summary>
    public DateTimeOffset? Expires { get; init; }

    /// <summary>Gets whether the state is final (succeeded, failed, cancelled or expired).</summary>
    public bool IsFinal => State is PublicationState.Succeeded or PublicationState.Failed or PublicationState.Cancelled or PublicationState.Expired;

    /// <inheritdoc/>
    public override string ToString() => $"Publication {Id}: {RawState}" + (Message is null ? string.Empty : $" ({Message})");
}

/// <summary>One partition as the metadata or query API describes it at a catalog version.</summary>
public sealed class PartitionMetadata
{
    /// <summary>Gets the partition id.</summary>
    public required string PartitionId { get; init; }

    /// <summary>Gets the catalog version at which the partition was last written.</summary>
    public long Version { get; init; }

    /// <summary>Gets the data handle of the partition's blob.</summary>
    public required string DataHandle { get; init; }

    /// <summary>Gets the data size (uncompressed), when published.</summary>
    public long? DataSize { get; init; }

    /// <summary>Gets the stored size of gzip-encoded data, when published.</summary>
    public long? CompressedDataSize { get; init; }

    /// <summary>Gets the checksum (lowercase hex of the layer's digest), when published.</summary>
    public string? Checksum { get; init; }

    /// <summary>Gets the CRC-32C (8 lowercase hex digits), when published.</summary>
    public string? Crc { get; init; }

    /// <inheritdoc/>
    public override string ToString() => $"Partition {PartitionId} v{Version} -> {DataHandle}";
}
