namespace PartUploader.Internal.Protocol;

/// <summary>A started multipart upload: its links exactly as the service returned them (spec 2.1).</summary>
internal sealed record MultipartUpload(
    string UploadId,
    BlobLinkTarget UploadPart,
    BlobLinkTarget Complete,
    BlobLinkTarget Status,
    BlobLinkTarget Delete);

/// <summary>The outcome of one part attempt that got an answer from the service.</summary>
internal readonly record struct PartAttemptResult(int Status, string? ETag, ServiceError Error)
{
    public bool Succeeded => Status is >= 200 and <= 299 && ETag is not null;
}
