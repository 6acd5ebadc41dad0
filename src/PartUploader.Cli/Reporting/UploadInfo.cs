namespace PartUploader.Cli.Reporting;

/// <summary>What an upload is about to do, for the reporters.</summary>
/// <remarks><see cref="TotalBytes"/> is what will be sent when known (null for a stream, and with <see cref="Gzip"/>).</remarks>
internal sealed record UploadInfo(string Source, string CatalogHrn, string LayerId, string DataHandle, long? TotalBytes, int ProcessId)
{
    /// <summary>Gets whether the source is compressed with gzip while it is uploaded (<c>--gzip</c>).</summary>
    public bool Gzip { get; init; }

    /// <summary>Gets the source's own size when known (before compression).</summary>
    public long? SourceBytes { get; init; }
}
