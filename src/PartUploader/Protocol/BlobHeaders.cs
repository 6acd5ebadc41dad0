namespace PartUploader.Internal.Protocol;

/// <summary>Header names and limits of the blob v1 contract (spec sections 1-5), in one place.</summary>
internal static class BlobHeaders
{
    /// <summary>The integrity header, <c>Algorithm:lowercasehex</c> (spec 1).</summary>
    public const string Digest = "X-HERE-Digest";

    /// <summary>The correlation id header other HERE services send (spec 1).</summary>
    public const string CorrelationId = "X-Correlation-ID";
}

/// <summary>The numeric limits of the contract (spec sections 1, 2.2, 3, 4).</summary>
internal static class BlobLimits
{
    /// <summary>Smallest part the client sends (every part but the last): 5 MiB satisfies both readings of "5 MB" (spec 4.1, U5).</summary>
    public const long MinPartSize = 5L * 1024 * 1024;

    /// <summary>Largest part: 5 GiB (spec 2.2).</summary>
    public const long MaxPartSize = 5L * 1024 * 1024 * 1024;

    /// <summary>Highest part number, and so the most numbers one upload may issue, retries included (spec 2.2, 4.1).</summary>
    public const int MaxPartNumber = 10_000;

    /// <summary>Largest blob through multipart: 50 GB (spec 2.1), read as 10^9 bytes to be safe under either reading.</summary>
    public const long MaxBlobSize = 50_000_000_000L;

    /// <summary>Largest single PUT: 5 GB (spec 3).</summary>
    public const long MaxSinglePutSize = 5_000_000_000L;

    /// <summary>Longest data handle (spec 1, U12 default).</summary>
    public const int MaxDataHandleLength = 600;
}
