namespace PartUploader;

/// <summary>One blob to publish as a partition: where its bytes come from and the partition id it gets.</summary>
/// <remarks>Its data handle is generated (a new UUID per publication attempt) and never reused.</remarks>
public sealed class PublishItem
{
    private PublishItem(string partitionId, string source, string? filePath, Func<CancellationToken, ValueTask<Stream>>? openAsync)
    {
        ArgumentNullException.ThrowIfNull(partitionId);
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        PartitionId = partitionId;
        Source = source;
        FilePath = filePath;
        OpenAsync = openAsync;
    }

    /// <summary>Gets the partition id (checked against the layer's rules before any request).</summary>
    public string PartitionId { get; }

    /// <summary>Gets where the bytes come from: the file path, or the name given to a stream.</summary>
    public string Source { get; }

    internal string? FilePath { get; }

    internal Func<CancellationToken, ValueTask<Stream>>? OpenAsync { get; }

    /// <summary>A file, published as the given partition.</summary>
    /// <param name="filePath">The file.</param>
    /// <param name="partitionId">The partition id.</param>
    /// <returns>The item.</returns>
    public static PublishItem FromFile(string filePath, string partitionId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(filePath);
        return new(partitionId, filePath, filePath, null);
    }

    /// <summary>A stream, opened when its upload starts and disposed after it.</summary>
    /// <param name="partitionId">The partition id.</param>
    /// <param name="name">A name for messages and results.</param>
    /// <param name="openAsync">Opens the stream.</param>
    /// <returns>The item.</returns>
    public static PublishItem FromStream(string partitionId, string name, Func<CancellationToken, ValueTask<Stream>> openAsync)
    {
        ArgumentNullException.ThrowIfNull(openAsync);
        return new(partitionId, name, null, openAsync);
    }

    /// <summary>Every file below a directory (links to directories are not followed), in ordinal order of relative path.</summary>
    /// <param name="directory">The directory.</param>
    /// <param name="naming">How a file's partition id is made from its path.</param>
    /// <param name="include">Globs of relative paths to include (<c>*</c>, <c>?</c>, <c>**</c>); empty for all.</param>
    /// <param name="exclude">Globs of relative paths to leave out.</param>
    /// <returns>The items. Partition ids are checked against the layer when published.</returns>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="ArgumentException">The directory has no file to publish.</exception>
    public static IReadOnlyList<PublishItem> FromDirectory(
        string directory, PartitionNaming naming = PartitionNaming.RelativePath, IEnumerable<string>? include = null, IEnumerable<string>? exclude = null)
    {
        (string root, IReadOnlyList<string> files) = DirectoryItems.ListRelative(directory, [.. include ?? []], [.. exclude ?? []]);
        return [.. files.Select(relative => FromFile(Path.Combine(root, relative.Replace('/', Path.DirectorySeparatorChar)), PartitionIdOf(relative, naming)))];
    }

    /// <summary>The documented rules of <see cref="PartitionNaming"/>.</summary>
    internal static string PartitionIdOf(string relativePath, PartitionNaming naming) => naming switch
    {
        PartitionNaming.FileNameWithoutExtension => Path.GetFileNameWithoutExtension(relativePath.Split('/')[^1]),
        _ => relativePath.Replace('/', ':'),
    };

    /// <inheritdoc/>
    public override string ToString() => $"PublishItem(Source={Source}, PartitionId={PartitionId})";
}

/// <summary>How a file of a directory gets its partition id.</summary>
public enum PartitionNaming
{
    /// <summary>The path relative to the directory, each <c>/</c> replaced by <c>:</c> (<c>roads/a.bin</c> → <c>roads:a.bin</c>).</summary>
    RelativePath = 0,

    /// <summary>The file name without its last extension (<c>12/23618359.pbf</c> → <c>23618359</c>), for tile-partitioned layers.</summary>
    FileNameWithoutExtension,
}

/// <summary>The algorithm of a partition's <c>checksum</c> (the layer's <c>digest</c>).</summary>
public enum PartitionChecksum
{
    /// <summary>No checksum is sent.</summary>
    None = 0,

    /// <summary>MD5, 32 lowercase hex digits.</summary>
    Md5,

    /// <summary>SHA-1, 40 lowercase hex digits.</summary>
    Sha1,

    /// <summary>SHA-256, 64 lowercase hex digits.</summary>
    Sha256,
}
