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

    /// <summary>Gets or sets the first byte of the blob to download (0-based), for a download of a byte range.</summary>
    /// <value>The default value is 0: from the start of the blob. Must not be negative; a value at or past the blob's end fails with status 416.</value>
    /// <remarks>With <see cref="ExpectedCrc32C"/>, the CRC-32C is the one of the bytes downloaded, not of the whole blob.</remarks>
    public long Offset { get; set; }

    /// <summary>Gets or sets how many bytes to download from <see cref="Offset"/>, or null for every byte to the end of the blob.</summary>
    /// <value>The default value is null: to the end. When set, more than zero; a range that passes the blob's end stops at its end.</value>
    public long? Length { get; set; }
}
