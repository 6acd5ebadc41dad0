namespace PartUploader;

/// <summary>The data handle already holds a blob (HTTP 409); the service never lets a data handle be reused.</summary>
/// <remarks>Choose another data handle: retrying the same one cannot succeed.</remarks>
public sealed class BlobAlreadyExistsException : PartUploadException
{
    /// <summary>Initializes a new instance.</summary>
    public BlobAlreadyExistsException()
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What failed.</param>
    public BlobAlreadyExistsException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and a cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public BlobAlreadyExistsException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance from the facts its message was built from.</summary>
    /// <param name="message">The message built from <paramref name="facts"/>.</param>
    /// <param name="facts">The error's facts, copied to its properties.</param>
    internal BlobAlreadyExistsException(string message, in Internal.ErrorFacts facts)
        : base(message, facts)
    {
    }
}
