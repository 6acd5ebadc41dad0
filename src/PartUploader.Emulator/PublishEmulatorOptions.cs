namespace PartUploader.Emulator;

/// <summary>
/// The switches of the publish, metadata, query, index and config services (spec publish-v2). Every UNCERTAIN point of
/// spec publish-v2 section 7 has a switch here; the defaults are the spec's defaults. Plain data: a switch may be changed
/// while the emulator runs and takes effect for later requests.
/// </summary>
public sealed class PublishEmulatorOptions
{
    /// <summary>Gets or sets how long a submitted publication stays <c>submitted</c> before it ends (spec publish-v2 1.6), measured with
    /// <see cref="BlobEmulatorOptions.TimeProvider"/> and evaluated when the publication or catalog is read (no timers).</summary>
    /// <value>The default value is <see cref="TimeSpan.Zero"/>.</value>
    public TimeSpan ProcessingDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Gets or sets how a submitted publication ends (spec publish-v2 1.8).</summary>
    /// <value>The default value is <see cref="PublicationOutcome.Succeeded"/>.</value>
    public PublicationOutcome Outcome { get; set; } = PublicationOutcome.Succeeded;

    /// <summary>Gets or sets the <c>details.message</c> of a publication ended <c>failed</c> by <see cref="Outcome"/>.</summary>
    /// <value>The default value is <c>"Publication processing failed."</c>.</value>
    public string FailureMessage { get; set; } = "Publication processing failed.";

    /// <summary>Gets or sets how long an <c>initialized</c> publication lives from its init before it ends <c>expired</c> (spec publish-v2 P14).</summary>
    /// <value>The default value is 72 hours.</value>
    public TimeSpan IdleExpiry { get; set; } = TimeSpan.FromHours(72);

    /// <summary>Gets or sets the most partitions one upload-partitions request may carry, or <see langword="null"/> for no cap (spec publish-v2 P1).</summary>
    /// <value>The default value is 1,000.</value>
    public int? MaxPartitionsPerRequest { get; set; } = 1000;

    /// <summary>Gets or sets a value indicating whether a partition may carry inline base64 <c>data</c> (spec 2.0.0) instead of a
    /// data handle; otherwise a <c>data</c> field answers 400 (spec publish-v2 P2).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool AllowInlineData { get; set; }

    /// <summary>Gets or sets a value indicating whether a partition without <c>dataHandle</c> deletes the partition, like <c>""</c>
    /// does; otherwise a missing handle answers 400 (spec publish-v2 P3).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool MissingHandleDeletes { get; set; }

    /// <summary>Gets or sets a value indicating whether a partition's <c>crc</c> may hold upper-case hex; otherwise it must match
    /// <c>^[0-9a-f]{1,8}$</c> (spec publish-v2 P4).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool CrcCaseInsensitive { get; set; }

    /// <summary>Gets or sets a value indicating whether a partition's <c>checksum</c> must have the hex length of the layer's digest
    /// (MD5 32, SHA-1 40, SHA-256 64); otherwise any hex of 1 to 128 characters passes (spec publish-v2 P6).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool ChecksumLengthByAlgorithm { get; set; }

    /// <summary>Gets or sets whether and when a data handle must name a completed, visible blob of the same layer (spec publish-v2 P7).</summary>
    /// <value>The default value is <see cref="HandleCheckMode.RejectAtUpload"/>.</value>
    public HandleCheckMode HandleCheck { get; set; } = HandleCheckMode.RejectAtUpload;

    /// <summary>Gets or sets the status of a partitions upload, submit or cancel on a publication in the wrong state (spec publish-v2 P8: 409 or 400).</summary>
    /// <value>The default value is 409.</value>
    public int WrongStateStatus { get; set; } = 409;

    /// <summary>Gets or sets a value indicating whether a partition key uploaded twice to one publication answers 409; otherwise
    /// the last write wins (spec publish-v2 P9).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool DuplicatePartitionConflict { get; set; }

    /// <summary>Gets or sets a value indicating whether a publication without partitions makes a new (empty) catalog version;
    /// otherwise it succeeds without one (spec publish-v2 P11).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool EmptyPublicationCreatesVersion { get; set; }

    /// <summary>Gets or sets a value indicating whether cancel answers 200 with the publication JSON; otherwise 204 without a body (spec publish-v2 P12).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool CancelAnswersWithBody { get; set; }

    /// <summary>Gets or sets a value indicating whether an ended publication (cancelled, expired, succeeded, failed) answers 404
    /// on every call; otherwise GET answers 200 with its final state (spec publish-v2 P13).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool EndedPublicationsNotFound { get; set; }

    /// <summary>Gets or sets a value indicating whether unknown fields of a partition (for example <c>timestamp</c>,
    /// <c>additionalMetadata</c>) or of the partitions body answer 400; otherwise they are ignored (spec publish-v2 P16).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool RejectUnknownFields { get; set; }

    /// <summary>Gets or sets what an init does while another publication of the catalog is <c>initialized</c> (spec publish-v2 P18).
    /// While another is <c>submitted</c>, an init always answers 409.</summary>
    /// <value>The default value is <see cref="ActivePublicationPolicy.CancelInitialized"/>.</value>
    public ActivePublicationPolicy InitOverInitialized { get; set; } = ActivePublicationPolicy.CancelInitialized;

    /// <summary>Gets or sets the status when an init names an unknown or non-versioned layer, or a partitions upload names a layer
    /// outside the publication (spec publish-v2 P19: 400 or 404).</summary>
    /// <value>The default value is 400.</value>
    public int LayerMismatchStatus { get; set; } = 400;

    /// <summary>Gets or sets the most UTF-8 bytes of field names and values in an index record's <c>fields</c> and
    /// <c>metadata</c>, or <see langword="null"/> for no limit (spec publish-v2 P22).</summary>
    /// <value>The default value is 256.</value>
    public int? IndexRecordLimit { get; set; } = 256;

    /// <summary>Gets or sets a value indicating whether any non-empty partition key is accepted; otherwise it must fully match
    /// <c>[A-Za-z0-9_.:-]{1,500}</c> (spec publish-v2 P23).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool LenientPartitionKeys { get; set; }

    /// <summary>Gets or sets a value indicating whether a <c>heretile</c> layer's partition key must be a decimal tile ID whose
    /// level, (bit length - 1) / 2, is one of the layer's <see cref="EmulatorLayer.TileLevels"/> (spec publish-v2 P31).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool CheckHeretileLevels { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether index <c>fields</c> may miss defined names (extras are ignored); otherwise
    /// they must be exactly the layer's defined names with their JSON types (spec publish-v2 P32).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool LenientIndexFields { get; set; }

    /// <summary>Gets or sets the status of a successful init (spec publish-v2 P26: 200 or 201).</summary>
    /// <value>The default value is 200.</value>
    public int InitSuccessStatus { get; set; } = 200;

    /// <summary>Gets or sets a value indicating whether the config API is listed on the resource lookup route
    /// <c>/resources/{hrn}/apis</c> instead of the platform route <c>/platform/apis</c> (spec publish-v2 P27).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool ConfigOnResourceRoute { get; set; }

    /// <summary>Gets or sets a value indicating whether the config API answers 403 to every catalog read (a write-only app, spec publish-v2 P28).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool ConfigForbidden { get; set; }

    /// <summary>Gets or sets the most partitions in one metadata partitions answer (more come through its <c>next</c> link), or
    /// <see langword="null"/> for all in one answer (spec publish-v2 section 4).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public int? MetadataPageSize { get; set; }
}
