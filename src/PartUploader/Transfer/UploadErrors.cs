using System.Globalization;
using PartUploader.Internal.Protocol;

namespace PartUploader.Internal.Transfer;

/// <summary>
/// Every error one upload raises, built in one place: the message and the properties come from the same facts
/// (operation, code, status, data handle, upload id, part number), so they never drift apart.
/// </summary>
internal sealed class UploadErrors(string dataHandle, Func<string?> uploadId)
{
    public PartUploadException Error(
        string summary, string operation, string? code, int status = 0, int? partNumber = null, ServiceError? service = null, Exception? inner = null) =>
        ErrorFactory.Create(Facts(summary, operation, code, status, partNumber, service) with { Inner = inner });

    /// <summary>A data-integrity error (<see cref="PartChecksumMismatchException"/>).</summary>
    public PartChecksumMismatchException Integrity(
        string summary, string operation, string code, int status = 0, int? partNumber = null, long? offset = null, ServiceError? service = null) =>
        (PartChecksumMismatchException)ErrorFactory.Create(Facts(summary, operation, code, status, partNumber, service) with { Offset = offset }, ErrorKind.Integrity);

    /// <summary>The source is not what the upload started from (<see cref="SourceChangedException"/>).</summary>
    public SourceChangedException Source(string summary, string code, long? offset = null) =>
        (SourceChangedException)ErrorFactory.Create(Facts(summary, "ReadSource", code, 0, null, null) with { Offset = offset }, ErrorKind.SourceChanged);

    public SourceChangedException SourceTooShort(long got, long expected) =>
        Source(
            string.Create(CultureInfo.InvariantCulture, $"The source ended after {got} bytes, before its declared length of {expected} bytes"),
            PartUploadErrorCodes.SourceTooShort, offset: got);

    public SourceChangedException SourceChanged() =>
        Source(
            "The source file changed while it was uploaded (its length, last write time, or first or last MiB differ from when it was opened); the upload is cancelled rather than completed with mixed content",
            PartUploadErrorCodes.SourceChanged);

    public PartUploadException NumbersExhausted(int index) =>
        Error(
            string.Create(CultureInfo.InvariantCulture, $"No part number is left for part {index + 1} (at most {BlobLimits.MaxPartNumber} per upload, retries included)"),
            BlobProtocol.OpUploadPart, PartUploadErrorCodes.PartNumbersExhausted);

    public PartUploadException BlobTooLarge() =>
        Error(string.Create(CultureInfo.InvariantCulture, $"The stream is longer than {BlobLimits.MaxBlobSize} bytes (50 GB), the most a multipart upload holds"), "PlanParts", PartUploadErrorCodes.BlobTooLarge);

    public PartUploadException TooManyParts(int maxParts) =>
        Error(string.Create(CultureInfo.InvariantCulture, $"The stream needs more than {maxParts} parts; choose a larger PartSize"), "PlanParts", PartUploadErrorCodes.TooManyParts);

    private ErrorFacts Facts(string summary, string operation, string? code, int status, int? partNumber, ServiceError? service) =>
        service is { } error
            ? error.Describe(new ErrorFacts(summary, operation, code, status) { DataHandle = dataHandle, UploadId = uploadId(), PartNumber = partNumber })
            : new ErrorFacts(summary, operation, code, status) { DataHandle = dataHandle, UploadId = uploadId(), PartNumber = partNumber };
}
