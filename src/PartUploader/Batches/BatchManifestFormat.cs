namespace PartUploader;

/// <summary>The format of a batch's manifest (<see cref="BatchUploadResult.WriteManifestAsync(Stream, BatchManifestFormat, CancellationToken)"/>).</summary>
public enum BatchManifestFormat
{
    /// <summary>One JSON object: <c>succeeded</c>, <c>failed</c> and an <c>items</c> array.</summary>
    Json,

    /// <summary>Comma-separated values with a header row, one row per item.</summary>
    Csv,
}
