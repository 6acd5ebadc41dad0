namespace PartUploader;

/// <summary>
/// Data integrity failed: the source changed while it was uploaded, the service kept rejecting a
/// part's digest, or the stored blob does not match what was sent.
/// </summary>
/// <remarks>
/// The upload was cancelled on the server (or, when found after completion, reported loudly):
/// never a silent success. See <see cref="PartUploadException.ErrorCode"/>: <c>SourceChanged</c>,
/// <c>DigestRejected</c>, <c>ReadBackMismatch</c> or <c>SourceTooShort</c>.
/// </remarks>
public sealed class PartChecksumMismatchException : PartUploadException
{
    /// <summary>Initializes a new instance.</summary>
    public PartChecksumMismatchException()
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What failed.</param>
    public PartChecksumMismatchException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and a cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public PartChecksumMismatchException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the byte offset in the source of the part concerned, when one part is concerned.</summary>
    public long? Offset { get; init; }
}
