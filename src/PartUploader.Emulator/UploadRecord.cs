namespace PartUploader.Emulator;

/// <summary>A snapshot of one multipart upload.</summary>
/// <param name="UploadId">The upload token carried in the link hrefs.</param>
/// <param name="CatalogHrn">The catalog HRN.</param>
/// <param name="LayerId">The layer ID.</param>
/// <param name="DataHandle">The data handle.</param>
/// <param name="State">The upload state.</param>
/// <param name="PartNumbersReceived">Every part number any upload-part request carried, in arrival order (rejected requests included).</param>
/// <param name="CreatedAt">When the upload was started (from the emulator's time provider).</param>
public sealed record UploadRecord(
    string UploadId,
    string CatalogHrn,
    string LayerId,
    string DataHandle,
    UploadState State,
    IReadOnlyList<int> PartNumbersReceived,
    DateTimeOffset CreatedAt);
