namespace PartUploader;

/// <summary>
/// How to download a blob: the per-call options of
/// <see cref="PartUploadClient.DownloadToAsync(string, string, Stream, DownloadOptions?, CancellationToken)"/> and
/// <see cref="PartUploadClient.DownloadToFileAsync(string, string, string, DownloadOptions?, CancellationToken)"/>.
/// </summary>
public sealed class DownloadOptions
{
    /// <summary>
    /// Gets or sets the CRC-32C (Castagnoli) the downloaded bytes must have, for example
    /// <see cref="PartUploadResult.Crc32C"/> of the upload or a CRC from partition metadata.
    /// </summary>
    /// <value>
    /// The default value is null: not checked. When set, the CRC-32C is computed while the bytes are written, and a
    /// mismatch throws <see cref="PartUploadException"/> with <see cref="PartUploadErrorCodes.DownloadMismatch"/>
    /// (a file destination is then deleted; a stream destination holds the bytes received).
    /// </value>
    public uint? ExpectedCrc32C { get; set; }
}
