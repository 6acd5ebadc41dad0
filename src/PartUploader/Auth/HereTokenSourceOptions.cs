namespace PartUploader;

/// <summary>Tuning of <see cref="HereTokenSource"/>: request format, token lifetime, refresh margin and retries.</summary>
/// <remarks>Plain data: set it before constructing the source; the constructor validates it.</remarks>
public sealed class HereTokenSourceOptions
{
    /// <summary>Gets or sets the body format of the token request.</summary>
    /// <value>The default value is <see cref="HereTokenRequestFormat.Json"/>.</value>
    public HereTokenRequestFormat RequestFormat { get; set; } = HereTokenRequestFormat.Json;

    /// <summary>Gets or sets the token lifetime to request (<c>expiresIn</c>); null lets the service choose.</summary>
    /// <value>The default value is 1 hour. Allowed: 1 second to 24 hours, or null. Sent only with <see cref="HereTokenRequestFormat.Json"/>.</value>
    public TimeSpan? ExpiresIn { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets how long before its expiry a cached token is replaced.</summary>
    /// <value>The default value is 5 minutes (the HERE C++ SDK's margin). Allowed: 0 to 1 hour.</value>
    /// <remarks>When a token lives shorter than twice the margin, the source refreshes it at half its lifetime instead.</remarks>
    public TimeSpan RefreshMargin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets how many times a failed token request is retried (transient failures only: 5xx, 429, network).</summary>
    /// <value>The default value is 3. Allowed: 0 to 10.</value>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Gets or sets the delay before the first retry; each further retry doubles it (a 429's <c>Retry-After</c> wins when longer).</summary>
    /// <value>The default value is 1 second. Allowed: 0 to 1 minute.</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how long one token request may take before it counts as a transient failure.</summary>
    /// <value>The default value is 30 seconds. Allowed: more than 0 up to 5 minutes.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
