namespace PartUploader;

/// <summary>How one item of a batch ended.</summary>
public sealed class BatchItemResult
{
    internal BatchItemResult(BatchUploadItem item, PartUploadResult? result, Exception? error, bool fromJournal = false)
    {
        Item = item;
        Result = result;
        Error = error;
        FromJournal = fromJournal;
    }

    /// <summary>Gets whether the batch journal recorded this item as completed by an earlier run: nothing was sent for it now.</summary>
    public bool FromJournal { get; }

    /// <summary>Gets the item.</summary>
    public BatchUploadItem Item { get; }

    /// <summary>Gets what was stored, when the item succeeded.</summary>
    public PartUploadResult? Result { get; }

    /// <summary>Gets why the item failed (a typed <see cref="PartUploadException"/>, or an argument or I/O error of its source), when it did.</summary>
    public Exception? Error { get; }

    /// <summary>Gets whether the item was stored.</summary>
    public bool Succeeded => Result is not null;

    /// <inheritdoc/>
    public override string ToString() => Succeeded ? $"{Item.Source} -> {Item.DataHandle}: {Result!.Size} bytes" : $"{Item.Source} -> {Item.DataHandle}: failed ({Error!.GetType().Name})";
}

/// <summary>What a batch did: every item's outcome, in the order the items were given.</summary>
public sealed class BatchUploadResult
{
    internal BatchUploadResult(IReadOnlyList<BatchItemResult> items, TimeSpan elapsed)
    {
        Items = items;
        Elapsed = elapsed;
    }

    /// <summary>Gets every item's outcome, in the order the items were given.</summary>
    public IReadOnlyList<BatchItemResult> Items { get; }

    /// <summary>Gets the items that failed.</summary>
    public IEnumerable<BatchItemResult> Failures => Items.Where(i => !i.Succeeded);

    /// <summary>Gets how many items were stored.</summary>
    public int Succeeded => Items.Count(i => i.Succeeded);

    /// <summary>Gets how many items failed.</summary>
    public int Failed => Items.Count - Succeeded;

    /// <summary>Gets the bytes stored by the items that succeeded.</summary>
    public long Bytes => Items.Sum(i => i.Result?.Size ?? 0);

    /// <summary>Gets how long the batch took.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Writes the manifest as JSON: per item its source, layer, handle, size, CRC-32C and the digests asked for, or its error.</summary>
    /// <param name="destination">Where to write; not disposed.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the manifest is written.</returns>
    public Task WriteManifestAsync(Stream destination, CancellationToken cancellationToken = default) =>
        BatchManifest.WriteAsync(this, destination, cancellationToken);

    /// <summary>
    /// Writes the manifest as JSON or as CSV. The CSV has a header row (<c>source,handle,size,crc32c,md5,sha1,sha256,error,message</c>)
    /// and one row per item (RFC 4180 quoting, CRLF line ends, UTF-8); a column is empty where the item has no value.
    /// </summary>
    /// <param name="destination">Where to write; not disposed.</param>
    /// <param name="format">JSON or CSV.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the manifest is written.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="format"/> is not a defined value.</exception>
    public Task WriteManifestAsync(Stream destination, BatchManifestFormat format, CancellationToken cancellationToken = default) =>
        BatchManifest.WriteAsync(this, destination, format, cancellationToken);

    /// <inheritdoc/>
    public override string ToString() => $"BatchUploadResult(Succeeded={Succeeded}, Failed={Failed}, Bytes={Bytes}, Elapsed={Elapsed})";
}

/// <summary>A snapshot of a batch's progress.</summary>
public sealed class BatchProgress
{
    /// <summary>Gets the items stored so far.</summary>
    public required int ItemsSucceeded { get; init; }

    /// <summary>Gets the items failed so far.</summary>
    public required int ItemsFailed { get; init; }

    /// <summary>Gets the items started so far (the total once every item has started).</summary>
    public required int ItemsStarted { get; init; }

    /// <summary>Gets the bytes written to the network at least once, over all items.</summary>
    public required long BytesSent { get; init; }

    /// <summary>Gets the bytes the service acknowledged, over all items.</summary>
    public required long BytesAcknowledged { get; init; }

    /// <summary>Gets the time since the batch started.</summary>
    public required TimeSpan Elapsed { get; init; }
}

/// <summary>A batch stopped at its first failed item (<see cref="BatchErrorPolicy.StopOnFirstError"/>); the items in flight were cancelled.</summary>
public sealed class BatchUploadException : PartUploadException
{
    /// <summary>Initializes a new instance.</summary>
    public BatchUploadException()
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">The message.</param>
    public BatchUploadException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the first item's error.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The first failed item's error.</param>
    public BatchUploadException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the outcome of every item that started before the batch stopped.</summary>
    public BatchUploadResult? Result { get; init; }
}
