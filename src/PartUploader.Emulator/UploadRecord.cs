namespace PartUploader.Emulator;

/// <summary>A snapshot of one multipart upload.</summary>
public sealed class UploadRecord
{
    /// <summary>The upload token carried in the link hrefs.</summary>
    public required string UploadId { get; init; }

    /// <summary>The catalog HRN.</summary>
    public required string CatalogHrn { get; init; }

    /// <summary>The layer ID.</summary>
    public required string LayerId { get; init; }

    /// <summary>The data handle.</summary>
    public required string DataHandle { get; init; }

    /// <summary>The upload state.</summary>
    public required UploadState State { get; init; }

    /// <summary>Every part number any upload-part request carried, in arrival order (rejected requests included).</summary>
    public required IReadOnlyList<int> PartNumbersReceived { get; init; }

    /// <summary>When the upload was started (from the emulator's time provider).</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}
