namespace PartUploader;

/// <summary>What to upload where: the per-call options of <see cref="PartUploadClient.UploadAsync(Stream, PartUploadOptions, CancellationToken)"/>.</summary>
public sealed class PartUploadOptions
{
    /// <summary>Gets or sets the layer to upload into: URI-unreserved characters <c>[0-9A-Za-z._~-]</c>, not made of dots only.</summary>
    public required string LayerId { get; set; }

    /// <summary>Gets or sets the data handle of the new blob: <c>[0-9A-Za-z.-]</c>, not made of dots only (<c>.</c>, <c>..</c>), unique in the layer and never reusable.</summary>
    public required string DataHandle { get; set; }

    /// <summary>Gets or sets the content type; it must equal the layer's.</summary>
    /// <value>The default value is <c>application/octet-stream</c>.</value>
    public string ContentType { get; set; } = "application/octet-stream";

    /// <summary>Gets or sets the content encoding declared at start (for example <c>gzip</c>), or null for none.</summary>
    /// <value>The default value is null.</value>
    public string? ContentEncoding { get; set; }

    /// <summary>Gets or sets whether a multipart upload is used even below <see cref="PartUploadClientOptions.SingleShotThreshold"/>.</summary>
    /// <value>The default value is false.</value>
    public bool ForceMultipart { get; set; }

    /// <summary>Gets or sets the whole-blob digests to compute in the same read pass, besides the CRC-32C.</summary>
    /// <value>The default value is <see cref="WholeBlobDigests.None"/>.</value>
    public WholeBlobDigests WholeBlobDigests { get; set; }

    /// <summary>Gets or sets where progress is reported: cumulative, monotonic, at most about ten times a second, never after the call returns.</summary>
    /// <value>The default value is null.</value>
    public IProgress<UploadProgress>? Progress { get; set; }

    /// <summary>
    /// Gets or sets the path of an opt-in resume journal. When set, a multipart upload of a file records
    /// its links, plan, source identity, acknowledged parts and issued part numbers there (atomically,
    /// after each acknowledged part; never a token), so that
    /// <see cref="PartUploadClient.ResumeAsync(string, PartUploadOptions, CancellationToken)"/> can
    /// continue it after a crash. The journal is deleted when the upload completes or is cancelled on the server.
    /// </summary>
    /// <value>The default value is null: no journal.</value>
    /// <remarks>For file uploads with <see cref="PartNumbering.FreshOnRetry"/> only; blobs sent in one PUT need none.</remarks>
    public string? JournalPath { get; set; }

    /// <summary>
    /// Gets or sets the longest the whole call may take (endpoint lookup, parts, retries, completion and read-back), or
    /// null for no limit. When it passes, the upload stops like a failure: the multipart upload is cancelled on the server
    /// (with a token of its own, within <see cref="PartUploadClientOptions.CancelTimeout"/>) and a
    /// <see cref="PartUploadException"/> with <see cref="PartUploadErrorCodes.TimeLimitExceeded"/> is thrown, whose message
    /// and <see cref="PartUploadExceptionData"/> entries say what was left on the server. Cancelling the call's own token
    /// stays an <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <value>The default value is null: no limit. When set, more than zero and at most 49 days (checked before any request).</value>
    /// <remarks>Measured with the client's <see cref="TimeProvider"/>, from the start of the call.</remarks>
    public TimeSpan? TimeLimit { get; set; }

    /// <inheritdoc/>
    public override string ToString() => $"PartUploadOptions(LayerId={LayerId}, DataHandle={DataHandle}, ContentType={ContentType})";
}
