using System.Globalization;
using System.Text;

namespace PartUploader;

/// <summary>
/// The error every PartUploader operation throws when the service or the transfer fails.
/// </summary>
/// <remarks>
/// Carries what an operator needs (status, service error code and title, correlation id, operation,
/// data handle, part number) and nothing secret: no header, token, body or URL query string ever
/// reaches the message or the properties. Catch it with a filter on <see cref="Status"/> or
/// <see cref="ErrorCode"/>; subtypes exist only where callers act differently.
/// </remarks>
public class PartUploadException : Exception
{
    /// <summary>Initializes a new instance with a default message.</summary>
    public PartUploadException()
        : this("The PartUploader operation failed.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What failed, without secrets.</param>
    public PartUploadException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the underlying cause.</summary>
    /// <param name="message">What failed, without secrets.</param>
    /// <param name="innerException">The underlying cause (never an exception that holds a request with its headers).</param>
    public PartUploadException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance from the facts <see cref="Internal.ErrorFactory"/> built its message from.</summary>
    /// <param name="message">The message built from <paramref name="facts"/>.</param>
    /// <param name="facts">The error's facts, copied to its properties.</param>
    internal PartUploadException(string message, in Internal.ErrorFacts facts)
        : base(message, facts.Inner)
    {
        Status = facts.Status;
        ErrorCode = facts.Code;
        ErrorTitle = facts.Title;
        CorrelationId = facts.CorrelationId;
        Operation = facts.Operation;
        DataHandle = facts.DataHandle;
        UploadId = facts.UploadId;
        PartNumber = facts.PartNumber;
        RetryAfter = facts.RetryAfter;
        WindowWaits = facts.WindowWaits;
    }

    /// <summary>Gets the HTTP status code of the failed response.</summary>
    /// <value>0 when no response was received (network failure, timeout, client-side validation).</value>
    public int Status { get; init; }

    /// <summary>Gets the service's error code (for example the <c>code</c> of a problem body), or a client code such as <c>ClientTimeout</c>.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>Gets the service's error title, when its error body had one.</summary>
    public string? ErrorTitle { get; init; }

    /// <summary>Gets the correlation id of the failed request (the <c>X-Correlation-ID</c> header or the body's <c>correlationId</c>).</summary>
    public string? CorrelationId { get; init; }

    /// <summary>Gets the name of the operation that failed, for example <c>UploadPart</c>.</summary>
    public string? Operation { get; init; }

    /// <summary>Gets the data handle of the blob the operation was about.</summary>
    public string? DataHandle { get; init; }

    /// <summary>Gets the id of the multipart upload, when one had been started.</summary>
    public string? UploadId { get; init; }

    /// <summary>Gets the part number of the failed attempt, when the failure was about one part.</summary>
    public int? PartNumber { get; init; }

    /// <summary>Gets how long the service asked to wait before a retry (its <c>Retry-After</c>), so that retries of calls mapped to this exception honour it.</summary>
    internal TimeSpan? RetryAfter { get; init; }

    /// <summary>Gets whether the request window took the throttled answer as its shared cooldown (the retry waits there).</summary>
    internal bool WindowWaits { get; init; }

    /// <summary>Builds the message of a service or transfer failure from its non-secret facts.</summary>
    /// <param name="summary">What failed, in a few words.</param>
    /// <param name="operation">The operation name.</param>
    /// <param name="status">The HTTP status, or 0.</param>
    /// <param name="errorCode">The service error code.</param>
    /// <param name="errorTitle">The service error title.</param>
    /// <param name="correlationId">The correlation id.</param>
    /// <param name="dataHandle">The data handle.</param>
    /// <param name="partNumber">The part number.</param>
    /// <param name="uploadId">The upload id.</param>
    /// <returns>A one-line message.</returns>
    internal static string FormatMessage(
        string summary,
        string? operation,
        int status,
        string? errorCode = null,
        string? errorTitle = null,
        string? correlationId = null,
        string? dataHandle = null,
        int? partNumber = null,
        string? uploadId = null)
    {
        var sb = new StringBuilder(summary);
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                sb.Append(CultureInfo.InvariantCulture, $"; {name}: {value}");
            }
        }

        Add("Operation", operation);
        Add("Status", status == 0 ? null : status.ToString(CultureInfo.InvariantCulture));
        Add("ErrorCode", errorCode);
        Add("Title", errorTitle);
        Add("DataHandle", dataHandle);
        Add("UploadId", uploadId);
        Add("PartNumber", partNumber?.ToString(CultureInfo.InvariantCulture));
        Add("CorrelationId", correlationId);
        return sb.ToString();
    }
}
