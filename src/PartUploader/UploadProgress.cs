namespace PartUploader;

/// <summary>A snapshot of an upload's progress.</summary>
/// <param name="BytesSent">Bytes written to the network at least once (retries are not counted twice).</param>
/// <param name="BytesAcknowledged">Bytes of parts the service acknowledged.</param>
/// <param name="TotalBytes">The blob size, or null while a stream's length is unknown.</param>
/// <param name="PartsCompleted">Parts the service acknowledged.</param>
/// <param name="TotalParts">The number of parts, or null while unknown.</param>
/// <param name="Retries">Retries so far.</param>
public sealed record UploadProgress(long BytesSent, long BytesAcknowledged, long? TotalBytes, int PartsCompleted, int? TotalParts, int Retries)
{
    /// <summary>Gets the bytes of parts an interrupted run had already stored, when this upload resumes it.</summary>
    /// <value>Counted in <see cref="BytesSent"/> and <see cref="BytesAcknowledged"/> too; 0 unless the upload was resumed from a journal. Subtract it for this run's transfer rate.</value>
    public long BytesResumed { get; init; }
}
