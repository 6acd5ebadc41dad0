namespace PartUploader;

/// <summary>Which files of a directory a batch takes, and how their data handles are made.</summary>
/// <remarks>
/// Relative paths use '/' on every platform. Globs: <c>*</c> matches within one path segment, <c>**</c> across
/// segments, <c>?</c> one character; a file is taken when it matches an <see cref="Include"/> glob and no
/// <see cref="Exclude"/> glob. Symbolic links to files are uploaded as their target's content; links to directories
/// are not followed (no cycles).
/// </remarks>
public sealed class DirectoryUploadOptions
{
    /// <summary>Gets the globs of relative paths to take.</summary>
    /// <value>The default value is empty: every file.</value>
    public IList<string> Include { get; } = [];

    /// <summary>Gets the globs of relative paths to leave out.</summary>
    /// <value>The default value is empty.</value>
    public IList<string> Exclude { get; } = [];

    /// <summary>Gets or sets how data handles are made.</summary>
    /// <value>The default value is <see cref="DataHandleNaming.RelativePath"/>.</value>
    public DataHandleNaming HandleNaming { get; set; } = DataHandleNaming.RelativePath;

    /// <summary>Gets or sets a prefix put before every handle made from a relative path (handles are single-use forever in a layer: a second release needs a new prefix).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? HandlePrefix { get; set; }

    /// <summary>Gets or sets the caller's own handle for a relative path; when set, <see cref="HandleNaming"/> and <see cref="HandlePrefix"/> are not used.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Func<string, string>? HandleSelector { get; set; }

    /// <summary>Gets or sets the longest data handle allowed.</summary>
    /// <value>The default value is 600, as the client's default.</value>
    public int MaxDataHandleLength { get; set; } = 600;
}

/// <summary>How a directory's data handles are made.</summary>
public enum DataHandleNaming
{
    /// <summary>
    /// From the relative path, deterministically: each character outside <c>[0-9A-Za-z.-]</c> becomes '-', path separators
    /// become '.', and <see cref="DirectoryUploadOptions.HandlePrefix"/> goes first. <c>tiles/12/a b.bin</c> with prefix
    /// <c>r7.</c> is <c>r7.tiles.12.a-b.bin</c>. Two files that map to one handle are refused before any request.
    /// </summary>
    RelativePath = 0,

    /// <summary>A new lowercase UUID per file (never reused).</summary>
    Uuid,
}
