namespace PartUploader;

/// <summary>
/// Keys of <see cref="Exception.Data"/> entries that an upload attaches to the exception it throws (a
/// <see cref="PartUploadException"/> or, for cancellation, an <see cref="OperationCanceledException"/>)
/// once a multipart upload had been started on the server.
/// </summary>
/// <remarks>
/// When <see cref="CancelledOnServer"/> is absent, no multipart upload was left on the server (none was started,
/// or the blob went in one PUT, which stores nothing unless it succeeds).
/// </remarks>
public static class PartUploadExceptionData
{
    /// <summary>The multipart upload's id (a <see cref="string"/>), so an operator can find or clean it up.</summary>
    public const string UploadId = "PartUploader.UploadId";

    /// <summary>Whether the multipart upload was cancelled on the server after the failure (a <see cref="bool"/>); false means it is left open until the service expires it.</summary>
    public const string CancelledOnServer = "PartUploader.CancelledOnServer";

    /// <summary>Why the server-side cancel failed (a <see cref="string"/>), when it did.</summary>
    public const string CancelError = "PartUploader.CancelError";

    /// <summary>True (a <see cref="bool"/>) when the cancel came after the service had completed the upload: the blob is stored under the data handle.</summary>
    public const string BlobStored = "PartUploader.BlobStored";

    internal static void CopyTo(Exception from, Exception to)
    {
        foreach (string key in (string[])[UploadId, CancelledOnServer, CancelError, BlobStored])
        {
            if (from.Data.Contains(key))
            {
                to.Data[key] = from.Data[key];
            }
        }
    }

    /// <summary>The key of the publication id (a <see cref="string"/>) on an <see cref="OperationCanceledException"/> of a cancelled publish.</summary>
    public const string PublicationId = "PartUploader.PublicationId";

    /// <summary>The key of whether the publication was cancelled on the server (a <see cref="bool"/>) on an <see cref="OperationCanceledException"/> of a cancelled publish.</summary>
    public const string PublicationCancelledOnServer = "PartUploader.PublicationCancelledOnServer";
}
