namespace PartUploader.Emulator;

/// <summary>One request as the emulator saw it. Secrets are masked and the query string is never kept, except its <c>billingTag</c>.</summary>
/// <param name="Sequence">The arrival number, from 1.</param>
/// <param name="Timestamp">When the request arrived (from the emulator's time provider).</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The request path, without the query string.</param>
/// <param name="Operation">The operation, or <see langword="null"/> when no route matched.</param>
/// <param name="UploadId">The upload token, when the route carries one.</param>
/// <param name="PartNumber">The part number, when the request carried a valid one.</param>
/// <param name="ContentLength">The declared <c>Content-Length</c>.</param>
/// <param name="BytesReceived">The body bytes the emulator read.</param>
/// <param name="DigestHeader">The <c>X-HERE-Digest</c> header as sent.</param>
/// <param name="ContentType">The <c>Content-Type</c> header as sent.</param>
/// <param name="StatusCode">The status answered (0 when the connection was reset).</param>
/// <param name="Elapsed">The time spent handling the request (wall clock).</param>
/// <param name="FaultApplied">The name of the fault rule that fired, or <see langword="null"/>.</param>
/// <param name="Headers">The request headers, with <c>Authorization</c> and other secrets masked.</param>
public sealed record JournalEntry(
    long Sequence,
    DateTimeOffset Timestamp,
    string Method,
    string Path,
    EmulatorOperation? Operation,
    string? UploadId,
    int? PartNumber,
    long? ContentLength,
    long BytesReceived,
    string? DigestHeader,
    string? ContentType,
    int StatusCode,
    TimeSpan Elapsed,
    string? FaultApplied,
    IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>Gets the <c>billingTag</c> query parameter as sent (the one query value kept: it is no secret), or <see langword="null"/> when none was sent.</summary>
    public string? BillingTag { get; init; }
}
