namespace PartUploader;

/// <summary>The multipart upload no longer exists on the service (HTTP 404 on a part, complete or status call).</summary>
/// <remarks>The upload was cancelled or expired on the server side; start a new upload (under a data handle that is still free).</remarks>
public sealed class UploadNotFoundException : PartUploadException
{
    /// <summary>Initializes a new instance.</summary>
    public UploadNotFoundException()
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What failed.</param>
    public UploadNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and a cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public UploadNotFoundException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance from the facts its message was built from.</summary>
    /// <param name="message">The message built from <paramref name="facts"/>.</param>
    /// <param name="facts">The error's facts, copied to its properties.</param>
    internal UploadNotFoundException(string message, in Internal.ErrorFacts facts)
        : base(message, facts)
    {
    }
}
