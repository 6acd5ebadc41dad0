using PartUploader.Internal.Protocol;

namespace PartUploader.Internal.Resilience;

/// <summary>A retryable failed attempt: the service answered with a transient status (or 401 after a token refresh).</summary>
/// <remarks>Never escapes the client: when retries run out it becomes a <see cref="PartUploadException"/>.</remarks>
internal sealed class AttemptFailedException : Exception
{
    public AttemptFailedException()
    {
    }

    public AttemptFailedException(string message)
        : base(message)
    {
    }

    public AttemptFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public AttemptFailedException(string operation, ServiceError error, int? partNumber)
        : base($"{operation} answered {error.Status}")
    {
        Operation = operation;
        Error = error;
        PartNumber = partNumber;
    }

    public string Operation { get; } = string.Empty;

    public ServiceError Error { get; }

    public int? PartNumber { get; }
}
