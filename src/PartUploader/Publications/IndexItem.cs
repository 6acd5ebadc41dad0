namespace PartUploader;

/// <summary>One blob to add to an index layer: where its bytes come from, and the index record's field values.</summary>
/// <remarks>Its data handle (the record's <c>id</c>) is a new lowercase UUID, never reused.</remarks>
public sealed class IndexItem
{
    private IndexItem(string source, IReadOnlyDictionary<string, object> fields, string? filePath, Func<CancellationToken, ValueTask<Stream>>? openAsync)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        ArgumentNullException.ThrowIfNull(fields);
        Source = source;
        Fields = fields;
        FilePath = filePath;
        OpenAsync = openAsync;
    }

    /// <summary>Gets where the bytes come from: the file path, or the name given to a stream.</summary>
    public string Source { get; }

    /// <summary>Gets the record's index field values by field name: a <see cref="bool"/>, an integer (<see cref="int"/> or <see cref="long"/>) or a <see cref="string"/>, as the layer defines each field. A string given for a bool or integer field is converted (<c>true</c>/<c>false</c>, an invariant integer).</summary>
    public IReadOnlyDictionary<string, object> Fields { get; }

    /// <summary>Gets free-form metadata stored with the record, or null for none.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    internal string? FilePath { get; }

    internal Func<CancellationToken, ValueTask<Stream>>? OpenAsync { get; }

    /// <summary>A file with its index field values.</summary>
    /// <param name="filePath">The file.</param>
    /// <param name="fields">The field values by name.</param>
    /// <returns>The item.</returns>
    public static IndexItem FromFile(string filePath, IReadOnlyDictionary<string, object> fields)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(filePath);
        return new(filePath, fields, filePath, null);
    }

    /// <summary>A stream with its index field values, opened when its upload starts and disposed after it.</summary>
    /// <param name="name">A name for messages and results.</param>
    /// <param name="fields">The field values by name.</param>
    /// <param name="openAsync">Opens the stream.</param>
    /// <returns>The item.</returns>
    public static IndexItem FromStream(string name, IReadOnlyDictionary<string, object> fields, Func<CancellationToken, ValueTask<Stream>> openAsync)
    {
        ArgumentNullException.ThrowIfNull(openAsync);
        return new(name, fields, null, openAsync);
    }

    /// <inheritdoc/>
    public override string ToString() => $"IndexItem(Source={Source}, Fields={Fields.Count})";
}

/// <summary>Where and how items are added to an index layer.</summary>
public sealed class IndexOptions
{
    /// <summary>The default of <see cref="RecordsPerRequest"/>.</summary>
    public const int DefaultRecordsPerRequest = 100;

    /// <summary>Gets or sets the index layer.</summary>
    public required string LayerId { get; set; }

    /// <summary>Gets or sets how many records one insert request carries (1 to 1,000).</summary>
    /// <value>The default value is 100. Records are inserted in such batches while data still uploads.</value>
    public int RecordsPerRequest { get; set; } = DefaultRecordsPerRequest;

    /// <summary>Gets or sets the content type of the blobs, or null for the layer's; a value other than the layer's is refused before any upload.</summary>
    public string? ContentType { get; set; }

    /// <summary>Gets or sets the checksum algorithm used when the layer's configuration cannot be read; when it can, the layer's <c>digest</c> governs.</summary>
    public PartitionChecksum? Checksum { get; set; }

    /// <summary>Gets the layer's index fields (name → type: <c>bool</c>, <c>int</c>, <c>string</c>, <c>heretile</c>, <c>timewindow</c>), used only when the layer's configuration cannot be read.</summary>
    public IDictionary<string, string> FieldTypes { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets or sets whether indexing stops when the catalog configuration cannot be read, instead of going on with these options.</summary>
    public bool RequireLayerConfig { get; set; }

    /// <summary>Gets or sets whether every record must hold exactly the layer's index fields; when false, missing fields are allowed and fields the layer does not define are sent as given (for a lenient service).</summary>
    /// <value>The default value is true. Defined fields are always checked against their types.</value>
    public bool CheckFields { get; set; } = true;

    /// <summary>Gets or sets whether the 256-byte record limit is checked before any upload.</summary>
    /// <value>The default value is true.</value>
    public bool CheckRecordSize { get; set; } = true;
}

/// <summary>One inserted index record: what was sent for it.</summary>
public sealed class IndexedRecord
{
    /// <summary>Gets the record id, which is the blob's data handle (a lowercase UUID).</summary>
    public required string Id { get; init; }

    /// <summary>Gets where the bytes came from.</summary>
    public required string Source { get; init; }

    /// <summary>Gets the blob size in bytes.</summary>
    public required long Size { get; init; }

    /// <summary>Gets the CRC-32C of the bytes, 8 lowercase hex digits.</summary>
    public required string Crc { get; init; }

    /// <summary>Gets the checksum sent (lowercase hex of the layer's digest), or null for none.</summary>
    public string? Checksum { get; init; }

    /// <inheritdoc/>
    public override string ToString() => $"IndexedRecord({Id}, {Size} B, crc {Crc})";
}

/// <summary>The outcome of adding items to an index layer.</summary>
public sealed class IndexResult
{
    /// <summary>Gets the records inserted, in item order.</summary>
    public required IReadOnlyList<IndexedRecord> Records { get; init; }

    /// <summary>Gets how many bytes were uploaded.</summary>
    public long Bytes { get; init; }

    /// <summary>Gets the time taken.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <inheritdoc/>
    public override string ToString() => $"IndexResult({Records.Count} record(s), {Bytes} B)";
}
