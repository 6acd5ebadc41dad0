namespace PartUploader;

/// <summary>One blob of a batch: where its bytes come from (a file, or a stream opened when its turn comes) and its data handle.</summary>
public sealed class BatchUploadItem
{
    private BatchUploadItem(string source, string dataHandle, string? filePath, Func<CancellationToken, ValueTask<Stream>>? openAsync)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        ArgumentNullException.ThrowIfNull(dataHandle);
        Source = source;
        DataHandle = dataHandle;
        FilePath = filePath;
        OpenAsync = openAsync;
    }

    /// <summary>Gets what the item is, for results and the manifest: the file path, or the name given with the stream.</summary>
    public string Source { get; }

    /// <summary>Gets the data handle the blob is stored under (single-use in a layer).</summary>
    public string DataHandle { get; }

    /// <summary>Gets the layer, or null for <see cref="BatchUploadOptions.LayerId"/> (see <see cref="WithLayer"/>).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? LayerId { get; private init; }

    /// <summary>Gets the content type, or null for <see cref="BatchUploadOptions.ContentType"/> (see <see cref="WithContentType"/>).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? ContentType { get; private init; }

    /// <summary>Gets the content encoding (for example <c>gzip</c>), or null for none (see <see cref="WithContentEncoding"/>).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? ContentEncoding { get; private init; }

    internal string? FilePath { get; }

    internal Func<CancellationToken, ValueTask<Stream>>? OpenAsync { get; }

    /// <summary>An item read from a file (parallel positional reads, like <see cref="PartUploadClient.UploadAsync(string, PartUploadOptions, CancellationToken)"/>).</summary>
    /// <param name="filePath">The file; opened when the item's turn comes (a file deleted meanwhile fails this item only).</param>
    /// <param name="dataHandle">The data handle.</param>
    /// <returns>The item.</returns>
    public static BatchUploadItem FromFile(string filePath, string dataHandle) => new(filePath, dataHandle, filePath, null);

    /// <summary>An item read from a stream that <paramref name="openAsync"/> opens when the item's turn comes and the batch disposes after it.</summary>
    /// <param name="name">What the item is, for results and the manifest.</param>
    /// <param name="dataHandle">The data handle.</param>
    /// <param name="openAsync">Opens the stream; called once, when the item starts.</param>
    /// <returns>The item.</returns>
    public static BatchUploadItem FromStream(string name, string dataHandle, Func<CancellationToken, ValueTask<Stream>> openAsync)
    {
        ArgumentNullException.ThrowIfNull(openAsync);
        return new(name, dataHandle, null, openAsync);
    }

    /// <summary>The files of a directory as items, with handles made by the documented rule of <paramref name="options"/>; checked before any request.</summary>
    /// <param name="directory">The directory, read recursively.</param>
    /// <param name="options">Which files, and how their data handles are made; null for all files and handles from relative paths.</param>
    /// <returns>The items, ordered by relative path.</returns>
    /// <exception cref="ArgumentException">The directory has no matching file, or two files map to one handle, or a handle is invalid; the message names the files.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    public static IReadOnlyList<BatchUploadItem> FromDirectory(string directory, DirectoryUploadOptions? options = null) =>
        DirectoryItems.List(directory, options ?? new DirectoryUploadOptions());

    /// <summary>The same item, stored in another layer than <see cref="BatchUploadOptions.LayerId"/>.</summary>
    /// <param name="layerId">The layer; checked when the item starts (an invalid one fails this item only).</param>
    /// <returns>A copy of this item with <see cref="LayerId"/> set.</returns>
    /// <exception cref="ArgumentException"><paramref name="layerId"/> is null, empty or white space.</exception>
    public BatchUploadItem WithLayer(string layerId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(layerId);
        return Copy(layerId, ContentType, ContentEncoding);
    }

    /// <summary>The same item, stored with another content type than <see cref="BatchUploadOptions.ContentType"/>.</summary>
    /// <param name="contentType">The content type, for example <c>application/x-protobuf</c>.</param>
    /// <returns>A copy of this item with <see cref="ContentType"/> set.</returns>
    /// <exception cref="ArgumentException"><paramref name="contentType"/> is null, empty or white space.</exception>
    public BatchUploadItem WithContentType(string contentType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        return Copy(LayerId, contentType, ContentEncoding);
    }

    /// <summary>The same item, declared as stored with a content encoding (the bytes are sent as they are).</summary>
    /// <param name="contentEncoding">The content encoding, for example <c>gzip</c>.</param>
    /// <returns>A copy of this item with <see cref="ContentEncoding"/> set.</returns>
    /// <exception cref="ArgumentException"><paramref name="contentEncoding"/> is null, empty or white space.</exception>
    public BatchUploadItem WithContentEncoding(string contentEncoding)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contentEncoding);
        return Copy(LayerId, ContentType, contentEncoding);
    }

    private BatchUploadItem Copy(string? layerId, string? contentType, string? contentEncoding) =>
        new(Source, DataHandle, FilePath, OpenAsync) { LayerId = layerId, ContentType = contentType, ContentEncoding = contentEncoding };

    /// <inheritdoc/>
    public override string ToString() => $"BatchUploadItem(Source={Source}, DataHandle={DataHandle})";
}
