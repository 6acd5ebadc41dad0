namespace PartUploader.Emulator.Internal;

/// <summary>One file holding a contiguous piece of a blob.</summary>
internal sealed record BlobSegment(string Path, long Length);

/// <summary>One data handle in use: a stored blob, a blob still processing, or a deleted one (the handle stays used).</summary>
internal sealed class BlobEntry
{
    private string? _sha256;

    public BlobEntry(string storageKey, long length, uint crc32C, string contentType, string? contentEncoding, IReadOnlyList<BlobSegment>? segments, DateTimeOffset visibleAt)
    {
        StorageKey = storageKey;
        Length = length;
        Crc32C = crc32C;
        ContentType = contentType;
        ContentEncoding = contentEncoding;
        Segments = segments;
        VisibleAt = visibleAt;
    }

    /// <summary>The opaque key of the storage URL.</summary>
    public string StorageKey { get; }

    public long Length { get; }

    public uint Crc32C { get; }

    public string ContentType { get; }

    public string? ContentEncoding { get; }

    /// <summary>The files holding the blob's bytes, in order (the part files of a multipart upload), or null in discard mode.</summary>
    public IReadOnlyList<BlobSegment>? Segments { get; }

    public DateTimeOffset VisibleAt { get; }

    private volatile bool _deleted;

    public bool Deleted
    {
        get => _deleted;
        set => _deleted = value;
    }

    public string ETag => $"\"{Crc32C:x8}{Length:x}\"";

    public bool IsVisible(DateTimeOffset now) => !Deleted && now >= VisibleAt;

    public string? GetSha256()
    {
        if (_sha256 is not null || Segments is null)
        {
            return _sha256;
        }

        using SegmentedReadStream stream = new(Segments);
        _sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
        return _sha256;
    }
}
