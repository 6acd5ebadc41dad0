namespace PartUploader.Internal;

/// <summary>What kind of <see cref="PartUploadException"/> an error is: the subtype callers catch to act differently.</summary>
internal enum ErrorKind
{
    /// <summary><see cref="PartUploadException"/> itself.</summary>
    General,

    /// <summary><see cref="PartChecksumMismatchException"/>: the service rejected a digest, or stored data differs.</summary>
    Integrity,

    /// <summary><see cref="SourceChangedException"/>: the source is not what the upload started from.</summary>
    SourceChanged,

    /// <summary><see cref="BlobAlreadyExistsException"/>: the data handle already holds a blob.</summary>
    BlobExists,

    /// <summary><see cref="UploadNotFoundException"/>: the multipart upload vanished on the service.</summary>
    UploadNotFound,
}

/// <summary>The non-secret facts of an error; its message and its properties are both built from them, so they never drift apart.</summary>
internal readonly record struct ErrorFacts(string Summary, string Operation, string? Code = null, int Status = 0)
{
    public string? Title { get; init; }

    public string? CorrelationId { get; init; }

    public string? DataHandle { get; init; }

    public string? UploadId { get; init; }

    public int? PartNumber { get; init; }

    public long? Offset { get; init; }

    public TimeSpan? RetryAfter { get; init; }

    public bool WindowWaits { get; init; }

    public Exception? Inner { get; init; }
}

/// <summary>
/// The one factory of every engine, protocol and handler error (the protocol maps the service's answers to facts and a kind, see
/// <c>BlobProtocol.CreateException</c>): <see cref="PartUploadException"/> and its subtypes,
/// with the message from <see cref="PartUploadException.FormatMessage"/> and the properties from the same facts.
/// </summary>
internal static class ErrorFactory
{
    public static PartUploadException Create(in ErrorFacts facts, ErrorKind kind = ErrorKind.General)
    {
        string message = PartUploadException.FormatMessage(
            facts.Summary, facts.Operation, facts.Status, facts.Code, facts.Title, facts.CorrelationId, facts.DataHandle, facts.PartNumber, facts.UploadId);
        return kind switch
        {
            ErrorKind.Integrity => new PartChecksumMismatchException(message, facts),
            ErrorKind.SourceChanged => new SourceChangedException(message, facts),
            ErrorKind.BlobExists => new BlobAlreadyExistsException(message, facts),
            ErrorKind.UploadNotFound => new UploadNotFoundException(message, facts),
            _ => new PartUploadException(message, facts),
        };
    }

    /// <summary>An answer the client cannot use (<see cref="PartUploadErrorCodes.MalformedResponse"/>).</summary>
    public static PartUploadException Malformed(string operation, int status, string? dataHandle, string what) =>
        Create(new ErrorFacts($"The service's answer to {operation} is malformed: {what}", operation, PartUploadErrorCodes.MalformedResponse, status) { DataHandle = dataHandle });

    /// <summary>A request refused before it was sent, or an answer refused before it was used.</summary>
    public static PartUploadException Refused(string summary, string operation, string code, int status = 0, string? dataHandle = null) =>
        Create(new ErrorFacts(summary, operation, code, status) { DataHandle = dataHandle });
}
