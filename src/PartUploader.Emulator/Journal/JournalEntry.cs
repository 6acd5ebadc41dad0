namespace PartUploader.Emulator;

/// <summary>One request as the emulator saw it. Secrets are masked and the query string is never kept, except its <c>billingTag</c>.</summary>
public sealed class JournalEntry
{
    /// <summary>The arrival number, from 1.</summary>
    public required long Sequence { get; init; }

    /// <summary>When the request arrived (from the emulator's time provider).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The HTTP method.</summary>
    public required string Method { get; init; }

    /// <summary>The request path, without the query string.</summary>
    public required string Path { get; init; }

    /// <summary>The operation, or <see langword="null"/> when no route matched.</summary>
    public EmulatorOperation? Operation { get; init; }

    /// <summary>The upload token, when the route carries one.</summary>
    public string? UploadId { get; init; }

    /// <summary>The part number, when the request carried a valid one.</summary>
    public int? PartNumber { get; init; }

    /// <summary>The declared <c>Content-Length</c>.</summary>
    public long? ContentLength { get; init; }

    /// <summary>The body bytes the emulator read.</summary>
    public required long BytesReceived { get; init; }

    /// <summary>The <c>X-HERE-Digest</c> header as sent.</summary>
    public string? DigestHeader { get; init; }

    /// <summary>The <c>Content-Type</c> header as sent.</summary>
    public string? ContentType { get; init; }

    /// <summary>The status answered (0 when the connection was reset).</summary>
    public required int StatusCode { get; init; }

    /// <summary>The time spent handling the request (wall clock).</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>The name of the fault rule that fired, or <see langword="null"/>.</summary>
    public string? FaultApplied { get; init; }

    /// <summary>The request headers, with <c>Authorization</c> and other secrets masked.</summary>
    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    /// <summary>Gets the <c>billingTag</c> query parameter as sent (the one query value kept: it is no secret), or <see langword="null"/> when none was sent.</summary>
    public string? BillingTag { get; init; }
}
