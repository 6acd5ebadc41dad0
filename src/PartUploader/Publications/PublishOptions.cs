namespace PartUploader;

/// <summary>Where and how a set of items is published as partitions of a versioned layer.</summary>
public sealed class PublishOptions
{
    /// <summary>The default of <see cref="PartitionsPerRequest"/>: 1,000, the cap HERE's TypeScript SDK documents.</summary>
    public const int DefaultPartitionsPerRequest = 1000;

    /// <summary>Gets or sets the versioned layer.</summary>
    public required string LayerId { get; set; }

    /// <summary>Gets or sets how many partitions one metadata request carries (1 to 10,000).</summary>
    /// <value>The default value is 1,000. Partitions are sent in such batches while data still uploads.</value>
    public int PartitionsPerRequest { get; set; } = DefaultPartitionsPerRequest;

    /// <summary>Gets or sets the content type of the blobs, or null for the layer's.</summary>
    /// <value>The default value is null. A value other than the layer's is refused before any upload.</value>
    public string? ContentType { get; set; }

    /// <summary>Gets or sets the checksum algorithm used when the layer's configuration cannot be read; when it can, the layer's <c>digest</c> governs and a different value here is refused.</summary>
    /// <value>The default value is null: the layer's; <see cref="PartitionChecksum.None"/> when it cannot be read.</value>
    public PartitionChecksum? Checksum { get; set; }

    /// <summary>Gets or sets whether publishing stops when the catalog configuration cannot be read (403 or 404), instead of going on with these options.</summary>
    /// <value>The default value is false: go on, with one warning logged.</value>
    public bool RequireLayerConfig { get; set; }

    /// <summary>Gets or sets whether partition ids must be a full match of <c>[A-Za-z0-9_.:-]{1,500}</c>, as the Publish API documents; when false, any id of 1 to 500 characters without control characters is sent (for a service that accepts more).</summary>
    /// <value>The default value is true.</value>
    public bool StrictPartitionIds { get; set; } = true;

    /// <summary>Gets or sets whether, on a layer partitioned by HERE tiles, a tile id's level must be one of the layer's <c>tileLevels</c>; when false, any decimal tile id is sent.</summary>
    /// <value>The default value is true. A tile's level is (bit length − 1) / 2.</value>
    public bool CheckTileLevels { get; set; } = true;

    /// <summary>Gets or sets whether the call waits for the submitted publication to succeed.</summary>
    /// <value>The default value is true. When false, the result has no version and the publication goes on on the server.</value>
    public bool WaitForCompletion { get; set; } = true;

    /// <summary>Gets or sets how the call waits for the publication.</summary>
    public PublicationWaitOptions Wait { get; set; } = new();

    /// <summary>Gets or sets whether, after success, every published partition's metadata is read back and compared with what was sent (handle, size, CRC, checksum).</summary>
    /// <value>The default value is true.</value>
    public bool Verify { get; set; } = true;

    /// <summary>Gets or sets a directory for the publication's crash-safe journal, or null for none.</summary>
    /// <value>
    /// The default value is null. With a journal, a rerun of the same items after a crash continues the same publication:
    /// while it is <c>initialized</c>, items already uploaded are not sent again and the rest are; once it was submitted, the
    /// rerun waits for it. A publication that ended otherwise is a <see cref="PublicationException"/>
    /// (<see cref="PartUploadErrorCodes.PublicationNotOpen"/>) and its journal is removed. The journal is removed on success.
    /// </value>
    public string? JournalDirectory { get; set; }

    /// <summary>Gets or sets the receiver of progress: uploads, partitions added, the publication's state.</summary>
    public IProgress<PublicationProgress>? Progress { get; set; }
}

/// <summary>How a submitted publication is waited for: polling with back-off, bounded.</summary>
public sealed class PublicationWaitOptions
{
    /// <summary>Gets or sets the first pause between two reads of the publication.</summary>
    /// <value>The default value is 1 second; each pause doubles up to <see cref="MaxPollInterval"/>.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest pause between two reads.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long to wait in all; processing takes minutes to hours.</summary>
    /// <value>The default value is 2 hours. Beyond it a <see cref="PublicationException"/> with <see cref="PartUploadErrorCodes.PublicationTimeout"/> names the publication, which goes on on the server.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Gets or sets the receiver of each state read.</summary>
    public IProgress<PublicationInfo>? Progress { get; set; }
}

/// <summary>Where a publication is.</summary>
public enum PublicationStage
{
    /// <summary>Data is uploading; partition metadata is added in batches as items finish.</summary>
    Uploading = 0,

    /// <summary>Submitted; waiting for the service to process it.</summary>
    Waiting,

    /// <summary>Succeeded; reading the published metadata back.</summary>
    Verifying,

    /// <summary>Done.</summary>
    Done,
}

/// <summary>A publication's progress.</summary>
public sealed class PublicationProgress
{
    /// <summary>Gets the stage.</summary>
    public required PublicationStage Stage { get; init; }

    /// <summary>Gets the publication id.</summary>
    public required string PublicationId { get; init; }

    /// <summary>Gets how many items there are.</summary>
    public int ItemsTotal { get; init; }

    /// <summary>Gets how many items are uploaded.</summary>
    public int ItemsUploaded { get; init; }

    /// <summary>Gets how many partitions the service has accepted.</summary>
    public int PartitionsAdded { get; init; }

    /// <summary>Gets the publication's last known state while waiting.</summary>
    public PublicationState? State { get; init; }
}

/// <summary>One published partition: what was sent for it.</summary>
public sealed class PublishedPartition
{
    /// <summary>Gets the partition id.</summary>
    public required string PartitionId { get; init; }

    /// <summary>Gets the data handle (a UUID generated for this publication).</summary>
    public required string DataHandle { get; init; }

    /// <summary>Gets where the bytes came from.</summary>
    public required string Source { get; init; }

    /// <summary>Gets the data size in bytes (uncompressed, on a gzip layer).</summary>
    public required long DataSize { get; init; }

    /// <summary>Gets the CRC-32C of the stored bytes, 8 lowercase hex digits; null on a gzip layer, where none is sent.</summary>
    public required string? Crc { get; init; }

    /// <summary>Gets the checksum sent (lowercase hex of the layer's digest, over the uncompressed bytes), or null for none.</summary>
    public string? Checksum { get; init; }

    /// <summary>Gets the stored (gzip) size on a layer that stores gzip data, or null; <see cref="DataSize"/> is then the uncompressed size.</summary>
    public long? CompressedDataSize { get; init; }

    /// <inheritdoc/>
    public override string ToString() => $"PublishedPartition({PartitionId} -> {DataHandle}, {DataSize} B, crc {Crc ?? "-"})";
}

/// <summary>The outcome of a publication.</summary>
public sealed class PublicationResult
{
    /// <summary>Gets the publication id.</summary>
    public required string PublicationId { get; init; }

    /// <summary>Gets the publication's final state as read (<see cref="PublicationState.Succeeded"/>, or <see cref="PublicationState.Submitted"/> when not waited for).</summary>
    public required PublicationState State { get; init; }

    /// <summary>Gets the new catalog version, or null when the call did not wait.</summary>
    public long? Version { get; init; }

    /// <summary>Gets the partitions published, in item order.</summary>
    public required IReadOnlyList<PublishedPartition> Partitions { get; init; }

    /// <summary>Gets how many bytes were uploaded.</summary>
    public long Bytes { get; init; }

    /// <summary>Gets whether every partition's metadata was read back and matched.</summary>
    public bool Verified { get; init; }

    /// <summary>Gets the time taken.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <inheritdoc/>
    public override string ToString() => $"Publication {PublicationId}: {State}, version {Version?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}, {Partitions.Count} partition(s)";
}
