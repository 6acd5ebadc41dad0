namespace PartUploader;

/// <summary>A publication (or an index insert) failed: the service refused a call, the publication ended in another state than <c>succeeded</c>, or its result did not match what was sent.</summary>
/// <remarks>
/// <see cref="PartUploadException.ErrorCode"/> says which: for example <see cref="PartUploadErrorCodes.PublicationConflict"/>,
/// <see cref="PartUploadErrorCodes.PublicationFailed"/>, <see cref="PartUploadErrorCodes.PublicationTimeout"/> or
/// <see cref="PartUploadErrorCodes.PublishVerifyMismatch"/>. <see cref="PublicationId"/> names the publication when one was
/// initialized; <see cref="CancelledOnServer"/> says whether this client cancelled it.
/// </remarks>
public class PublicationException : PartUploadException
{
    /// <summary>Initializes a new instance with a default message.</summary>
    public PublicationException()
        : this("The publication failed.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What failed, without secrets.</param>
    public PublicationException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the underlying cause.</summary>
    /// <param name="message">What failed, without secrets.</param>
    /// <param name="innerException">The underlying cause.</param>
    public PublicationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the id of the publication, when one was initialized.</summary>
    public string? PublicationId { get; init; }

    /// <summary>Gets the publication's last known state as the service spelled it (for example <c>failed</c>), when known.</summary>
    public string? State { get; init; }

    /// <summary>Gets whether this client cancelled the publication on the server after the failure.</summary>
    public bool CancelledOnServer { get; init; }

    /// <summary>Gets what the failed items were, when the failure came from uploading the data; empty otherwise.</summary>
    public IReadOnlyList<BatchItemResult> FailedItems { get; init; } = [];
}

/// <summary>The caller cancelled while waiting for a submitted publication: it goes on on the server.</summary>
/// <remarks>Wait for it again with <see cref="PublicationClient.WaitAsync"/> and <see cref="PublicationId"/>.</remarks>
public sealed class PublicationWaitCanceledException : OperationCanceledException
{
    /// <summary>Initializes a new instance with a default message.</summary>
    public PublicationWaitCanceledException()
        : this("Stopped waiting for the publication; it goes on on the server.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What happened.</param>
    public PublicationWaitCanceledException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the cancellation that caused it.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The cancellation.</param>
    public PublicationWaitCanceledException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the id of the submitted publication, which goes on on the server.</summary>
    public string? PublicationId { get; init; }
}
