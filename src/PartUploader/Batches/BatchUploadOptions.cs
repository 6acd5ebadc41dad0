namespace PartUploader;

/// <summary>Where and how a batch is uploaded; every item shares the client's window of requests and memory budget.</summary>
public sealed class BatchUploadOptions
{
    /// <summary>Gets or sets the layer of every item that names none.</summary>
    public required string LayerId { get; set; }

    /// <summary>Gets or sets the content type of every item that names none.</summary>
    /// <value>The default value is <c>application/octet-stream</c>.</value>
    public string ContentType { get; set; } = "application/octet-stream";

    /// <summary>Gets or sets what a failed item does to the rest of the batch.</summary>
    /// <value>The default value is <see cref="BatchErrorPolicy.ContinueOnError"/>.</value>
    public BatchErrorPolicy ErrorPolicy { get; set; } = BatchErrorPolicy.ContinueOnError;

    /// <summary>Gets or sets the whole-blob digests computed for every item, in the same read pass (for partition metadata).</summary>
    /// <value>The default value is <see cref="WholeBlobDigests.None"/> (the CRC-32C is always computed).</value>
    public WholeBlobDigests WholeBlobDigests { get; set; } = WholeBlobDigests.None;

    /// <summary>Gets or sets the receiver of the batch's progress (at most about ten reports a second, and one per finished item).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public IProgress<BatchProgress>? Progress { get; set; }

    /// <summary>Gets or sets a directory for the batch's crash-safe journal, or null for none.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    /// <remarks>
    /// Running the same batch again with the same directory skips the items recorded as completed (their results come
    /// from the journal, nothing is sent), continues file items that were in flight from their upload journals (only
    /// the missing parts, under part numbers above any used; a file changed since then fails with
    /// <see cref="PartUploadErrorCodes.SourceChanged"/>), and starts the rest. No completed item is uploaded twice.
    /// Stream items are not resumable: one interrupted in flight fails on the rerun if the service kept its blob.
    /// </remarks>
    public string? JournalDirectory { get; set; }

    /// <summary>
    /// Gets or sets the longest the whole batch may take, or null for no limit. When it passes, no further item starts,
    /// every item in flight stops like a failure (its multipart upload cancelled on the server) with
    /// <see cref="PartUploadErrorCodes.TimeLimitExceeded"/>, and the batch throws a <see cref="BatchUploadException"/>
    /// with that code, whatever the <see cref="ErrorPolicy"/>: its <see cref="BatchUploadException.Result"/> lists the
    /// items that started (stored ones as stored, the stopped ones with their <see cref="PartUploadErrorCodes.TimeLimitExceeded"/>
    /// error); items not started are not in it. Cancelling the call's own token stays an <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <value>The default value is null: no limit. When set, more than zero and at most 49 days (checked before any request).</value>
    /// <remarks>Measured with the client's <see cref="TimeProvider"/>, from the start of the call. A batch that finished every item is never failed by the limit.</remarks>
    public TimeSpan? TimeLimit { get; set; }

    /// <summary>Gets or sets a callback for each finished item, succeeded or failed; called from the item's task, possibly concurrently.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Action<BatchItemResult>? ItemFinished { get; set; }
}

/// <summary>What a failed item does to the rest of a batch.</summary>
public enum BatchErrorPolicy
{
    /// <summary>The other items go on; the result lists the failures.</summary>
    ContinueOnError = 0,

    /// <summary>No new item starts, the items in flight are cancelled (on the server too), and <see cref="BatchUploadException"/> is thrown.</summary>
    StopOnFirstError,
}
