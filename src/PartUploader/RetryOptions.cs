using System.ComponentModel.DataAnnotations;

namespace PartUploader;

/// <summary>Retry and time limits for every call of the client: parts, single PUTs, start, complete, status, cancel, HEAD, GET, DELETE, the API lookup, and the publish, metadata and index calls.</summary>
/// <remarks>
/// Only transient failures are retried: 408, 429, 5xx, network errors and attempt timeouts; throttled answers
/// (429, or 503 with <c>Retry-After</c>) under their own bound, <see cref="MaxThrottledAttempts"/>. Every
/// retry of a part takes a fresh part number. <c>Retry-After</c> is honoured up to
/// <see cref="MaxRetryAfter"/>.
/// </remarks>
public sealed class RetryOptions
{
    /// <summary>Gets or sets the most attempts of one part (or one call), the first included.</summary>
    /// <value>The default value is 5.</value>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>
    /// Gets or sets the most retries of one part (or one call) after throttled answers (429, or 503 with <c>Retry-After</c>):
    /// the service asked the client to wait, which is not a fault, so these spend neither <see cref="MaxAttempts"/> nor
    /// <see cref="RetryBudget"/>, only this bound. With 0 a throttled answer is not retried.
    /// </summary>
    /// <value>The default value is 20.</value>
    [Range(0, 1000)]
    public int MaxThrottledAttempts { get; set; } = 20;

    /// <summary>Gets or sets the delay before the first retry; later ones grow exponentially, with jitter.</summary>
    /// <value>The default value is 500 milliseconds.</value>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Gets or sets the longest delay between two attempts.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the longest <c>Retry-After</c> the client waits; a longer one is capped to this.</summary>
    /// <value>The default value is 60 seconds.</value>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets how long one attempt may take before it is abandoned and retried.</summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets how long a part's (or a single PUT's) request body may make no progress (no byte written) before the
    /// attempt is abandoned and retried under a fresh number, long before <see cref="AttemptTimeout"/>.
    /// </summary>
    /// <remarks>It runs from the body's first write; waiting for a place in the window or a connection does not count. A value
    /// at or above <see cref="AttemptTimeout"/> never fires before the attempt timeout.</remarks>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how long the answer to a part (or a single PUT) may take to begin once its body is sent before the attempt
    /// is abandoned and retried under a fresh number; <see langword="null"/> leaves only <see cref="AttemptTimeout"/>.
    /// </summary>
    /// <value>The default value is 60 seconds.</value>
    public TimeSpan? FirstByteTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets the retries the whole upload may spend, all parts together, so a failing service is not hammered.</summary>
    /// <value>The default value is 50.</value>
    [Range(0, 10_000)]
    public int RetryBudget { get; set; } = 50;
}
