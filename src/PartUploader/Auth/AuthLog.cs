using Microsoft.Extensions.Logging;

namespace PartUploader.Internal.Auth;

/// <summary>
/// Log messages of the Auth room (EventIds 5xx). Never pass a secret, token, signature, header or body:
/// only status codes, error codes, counts, durations and host names.
/// </summary>
internal static partial class AuthLog
{
    [LoggerMessage(EventId = 500, EventName = "TokenRequest", Level = LogLevel.Debug,
        Message = "Requesting a HERE access token from {TokenHost} (attempt {Attempt}, forced {ForceRefresh})")]
    public static partial void TokenRequest(ILogger logger, string tokenHost, int attempt, bool forceRefresh);

    [LoggerMessage(EventId = 501, EventName = "TokenAcquired", Level = LogLevel.Information,
        Message = "Acquired a HERE access token valid for {ExpiresInSeconds} s")]
    public static partial void TokenAcquired(ILogger logger, long expiresInSeconds);

    [LoggerMessage(EventId = 502, EventName = "TokenRetry", Level = LogLevel.Warning,
        Message = "Token request failed with status {StatusCode}; retry {Attempt} in {DelayMs} ms")]
    public static partial void TokenRetry(ILogger logger, int statusCode, int attempt, long delayMs);

    [LoggerMessage(EventId = 503, EventName = "TokenClockSkew", Level = LogLevel.Warning,
        Message = "The token service rejected the timestamp; correcting the clock by {SkewSeconds} s from its Date header and re-signing once")]
    public static partial void TokenClockSkew(ILogger logger, long skewSeconds);

    [LoggerMessage(EventId = 504, EventName = "TokenRejected", Level = LogLevel.Debug,
        Message = "The token service refused the request with status {StatusCode} and error code {ErrorCode}")]
    public static partial void TokenRejected(ILogger logger, int statusCode, string? errorCode);

    [LoggerMessage(EventId = 505, EventName = "TokenCacheHit", Level = LogLevel.Trace,
        Message = "Using the cached HERE access token (expires in {ExpiresInSeconds} s)")]
    public static partial void TokenCacheHit(ILogger logger, long expiresInSeconds);

    [LoggerMessage(EventId = 510, EventName = "LookupRequest", Level = LogLevel.Debug,
        Message = "Looking up {Api} {Version} for {Hrn}")]
    public static partial void LookupRequest(ILogger logger, string api, string version, string hrn);

    [LoggerMessage(EventId = 511, EventName = "LookupCacheHit", Level = LogLevel.Trace,
        Message = "Using the cached {Api} {Version} base URL for {Hrn}")]
    public static partial void LookupCacheHit(ILogger logger, string api, string version, string hrn);

    [LoggerMessage(EventId = 512, EventName = "LookupResolved", Level = LogLevel.Debug,
        Message = "Resolved {Api} {Version} for {Hrn} to host {BaseUrlHost}, cached for {MaxAgeSeconds} s")]
    public static partial void LookupResolved(ILogger logger, string api, string version, string hrn, string baseUrlHost, long maxAgeSeconds);

    [LoggerMessage(EventId = 513, EventName = "LookupUnauthorized", Level = LogLevel.Debug,
        Message = "The lookup service answered 401; refreshing the token and retrying once")]
    public static partial void LookupUnauthorized(ILogger logger);

    [LoggerMessage(EventId = 514, EventName = "LookupFailed", Level = LogLevel.Debug,
        Message = "The lookup service answered {StatusCode} with error code {ErrorCode}")]
    public static partial void LookupFailed(ILogger logger, int statusCode, string? errorCode);
}
