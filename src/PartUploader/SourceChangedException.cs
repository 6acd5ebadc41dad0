namespace PartUploader;

/// <summary>
/// The source is not what the upload started from: it changed while it was uploaded or since the interrupted
/// upload (<see cref="PartUploadErrorCodes.SourceChanged"/>), or it ended before the length it declared
/// (<see cref="PartUploadErrorCodes.SourceTooShort"/>).
/// </summary>
/// <remarks>
/// Nothing was completed: the multipart upload was cancelled on the server, or never started. Retrying cannot help
/// until the source is stable; make sure nothing writes to the file during the upload, or give the stream's true length.
/// A digest the service rejected, or a stored blob that differs from the source, is
/// <see cref="PartChecksumMismatchException"/> instead.
/// </remarks>
public sealed class SourceChangedException : PartUploadException
{
    /// <summary>Initializes a new instance.</summary>
    public SourceChangedException()
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What failed.</param>
    public SourceChangedException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and a cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public SourceChangedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance from the facts its message was built from.</summary>
    /// <param name="message">The message built from <paramref name="facts"/>.</param>
    /// <param name="facts">The error's facts, copied to its properties.</param>
    internal SourceChangedException(string message, in Internal.ErrorFacts facts)
        : base(message, facts)
    {
        Offset = facts.Offset;
    }

    /// <summary>Gets the number of bytes the source held when it ended early (<see cref="PartUploadErrorCodes.SourceTooShort"/>).</summary>
    /// <value>Null for <see cref="PartUploadErrorCodes.SourceChanged"/>.</value>
    public long? Offset { get; init; }
}
