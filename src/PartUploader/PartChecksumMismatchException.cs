namespace PartUploader;

/// <summary>
/// Data integrity failed between the source and the service: the service kept rejecting a part's digest
/// (<see cref="PartUploadErrorCodes.DigestRejected"/> or the service's code), or the stored blob read back differs
/// from what was sent (<see cref="PartUploadErrorCodes.ReadBackMismatch"/>).
/// </summary>
/// <remarks>
/// The upload was cancelled on the server (or, when found after completion, reported loudly): never a silent
/// success. A source that changed or ended early is <see cref="SourceChangedException"/> instead.
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

    /// <summary>Initializes a new instance from the facts its message was built from.</summary>
    /// <param name="message">The message built from <paramref name="facts"/>.</param>
    /// <param name="facts">The error's facts, copied to its properties.</param>
    internal PartChecksumMismatchException(string message, in Internal.ErrorFacts facts)
        : base(message, facts)
    {
        Offset = facts.Offset;
    }

    /// <summary>Gets the byte offset in the source of the part concerned, when one part is concerned.</summary>
    public long? Offset { get; init; }
}
