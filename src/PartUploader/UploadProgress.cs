namespace PartUploader;

/// <summary>A snapshot of an upload's progress.</summary>
/// <param name="BytesSent">Bytes written to the network at least once (retries are not counted twice).</param>
/// <param name="BytesAcknowledged">Bytes of parts the service acknowledged.</param>
/// <param name="TotalBytes">The blob size, or null while a stream's length is unknown.</param>
/// <param name="PartsCompleted">Parts the service acknowledged.</param>
/// <param name="TotalParts">The number of parts, or null while unknown.</param>
/// <param name="Retries">Retries so far.</param>
public sealed record UploadProgress(long BytesSent, long BytesAcknowledged, long? TotalBytes, int PartsCompleted, int? TotalParts, int Retries);
