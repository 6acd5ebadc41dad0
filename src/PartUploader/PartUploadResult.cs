namespace PartUploader;

/// <summary>What a completed upload produced: the facts publishers need for partition metadata.</summary>
public sealed class PartUploadResult
{
    /// <summary>Gets the data handle of the stored blob.</summary>
    public required string DataHandle { get; init; }

    /// <summary>Gets the blob size in bytes.</summary>
    public required long Size { get; init; }

    /// <summary>Gets whether a multipart upload was used (false for a single PUT).</summary>
    public required bool Multipart { get; init; }

    /// <summary>Gets the size of every part but the last (the first part's size for a growing schedule); 0 for a single PUT.</summary>
    public required long PartSize { get; init; }

    /// <summary>Gets the number of parts.</summary>
    public required int PartCount { get; init; }

    /// <summary>Gets the part numbers the complete call listed, in byte order.</summary>
    public required IReadOnlyList<int> PartNumbers { get; init; }

    /// <summary>Gets how many attempts were retries.</summary>
    public required int Retries { get; init; }

    /// <summary>Gets the CRC-32C of the whole blob, combined from the parts.</summary>
    public required uint Crc32C { get; init; }

    /// <summary>Gets the MD5 of the whole blob in lowercase hex, when requested.</summary>
    public string? Md5 { get; init; }

    /// <summary>Gets the SHA-1 of the whole blob in lowercase hex, when requested.</summary>
    public string? Sha1 { get; init; }

    /// <summary>Gets the SHA-256 of the whole blob in lowercase hex, when requested.</summary>
    public string? Sha256 { get; init; }

    /// <summary>Gets how many byte ranges were read back and verified after the upload.</summary>
    public required int VerifiedRanges { get; init; }

    /// <summary>Gets how many parts an interrupted run had already stored when this call resumed it.</summary>
    /// <value>0 unless the upload was resumed from a journal; those parts were not sent again.</value>
    public int ResumedParts { get; init; }

    /// <summary>Gets the bytes of the parts an interrupted run had already stored when this call resumed it.</summary>
    /// <value>0 unless resumed; <see cref="Size"/> minus this value is what this call sent (retries not counted).</value>
    public long ResumedBytes { get; init; }

    /// <summary>Gets how long the upload took.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"PartUploadResult(DataHandle={DataHandle}, Size={Size}, Parts={PartCount}, Retries={Retries}, Crc32C={Crc32C:x8}, Elapsed={Elapsed})";
}
