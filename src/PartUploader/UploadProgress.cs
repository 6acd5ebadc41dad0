namespace PartUploader;

/// <summary>A snapshot of an upload's progress, reported through <see cref="PartUploadOptions.Progress"/>.</summary>
/// <remarks>
/// Snapshots are cumulative and monotonic; each report is a new instance. Compare the properties you care
/// about, not the instances: the type has no value equality, so properties can be added later.
/// </remarks>
public sealed class UploadProgress
{
    /// <summary>Gets the bytes written to the network at least once (retries are not counted twice).</summary>
    public long BytesSent { get; init; }

    /// <summary>Gets the bytes of parts the service acknowledged.</summary>
    public long BytesAcknowledged { get; init; }

    /// <summary>Gets the blob size, or null while a stream's length is unknown.</summary>
    public long? TotalBytes { get; init; }

    /// <summary>Gets the number of parts the service acknowledged.</summary>
    public int PartsCompleted { get; init; }

    /// <summary>Gets the number of parts, or null while unknown.</summary>
    public int? TotalParts { get; init; }

    /// <summary>Gets the number of retries so far.</summary>
    public int Retries { get; init; }

    /// <summary>Gets the bytes of parts an interrupted run had already stored, when this upload resumes it.</summary>
    /// <value>Counted in <see cref="BytesSent"/> and <see cref="BytesAcknowledged"/> too; 0 unless the upload was resumed from a journal. Subtract it for this run's transfer rate.</value>
    public long BytesResumed { get; init; }
}
