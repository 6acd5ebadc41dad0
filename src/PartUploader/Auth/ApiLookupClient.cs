using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PartUploader.Internal.Protocol;
using PartUploader.Internal.Resilience;

namespace PartUploader.Internal.Auth;

/// <summary>
/// Resolves the base URL of a catalog's API through the HERE API lookup service (spec section 7):
/// <c>GET {lookupBase}/resources/{hrn}/apis/{api}/{version}</c> with the bearer token.
/// </summary>
/// <remarks>
/// Thread-safe. Answers are cached per HRN, API and version for the response's
/// <c>Cache-Control: max-age</c> (not cached without it, or with <c>no-store</c>/<c>no-cache</c>), measured
/// with the injected <see cref="TimeProvider"/>. A 401 makes the client force one token refresh and
/// retry once. Each lookup runs through a pipeline built like the client's (<see cref="UploadPipeline"/>):
/// 408, 429 (Retry-After honoured), 5xx and network errors are retried, every attempt is bounded by the
/// attempt timeout, and the body is read with a cap of <see cref="BoundedBody.DefaultMaxBytes"/> (beyond it:
/// <c>InvalidLookupResponse</c>). Errors become <see cref="PartUploadException"/> with <c>Operation</c>
/// <c>Lookup</c>, <c>Status</c>, and the service's <c>code</c> as <c>ErrorCode</c>; the service's strings are
/// shortened and stripped of control characters before they reach a message.
/// </remarks>
internal sealed class ApiLookupClient
{
    private const string CorrelationIdHeader = "X-Correlation-ID";

    private readonly HttpClient _httpClient;
    private readonly AccessTokenSource _tokenSource;
    private readonly string _lookupBase;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly OperationRunner _runner;
    private readonly ConcurrentDictionary<(string Hrn, string Api, string Version), CacheEntry> _cache = new();

    /// <summary>Initializes a new instance.</summary>
    /// <param name="httpClient">The client that sends lookup requests; owned by the caller.</param>
    /// <param name="tokenSource">Supplies the bearer token.</param>
    /// <param name="lookupBaseUrl">The lookup base URL; null for <c>https://api-lookup.data.api.platform.here.com/lookup/v1</c>.</param>
    /// <param name="timeProvider">The clock for the cache; null for <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">The logger; null for none.</param>
    /// <param name="retry">The retry tuning (the client's <see cref="PartUploadClientOptions.Retry"/>); null for the defaults.</param>
    public ApiLookupClient(
        HttpClient httpClient,
        AccessTokenSource tokenSource,
        Uri? lookupBaseUrl = null,
        TimeProvider? timeProvider = null,
        ILogger? logger = null,
        RetryOptions? retry = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(tokenSource);
        lookupBaseUrl ??= AuthDefaults.LookupBaseUrl;
        if (!lookupBaseUrl.IsAbsoluteUri || (lookupBaseUrl.Scheme != Uri.UriSchemeHttps && lookupBaseUrl.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException("The lookup base URL must be an absolute http or https URL.", nameof(lookupBaseUrl));
        }

        _httpClient = httpClient;
        _tokenSource = tokenSource;
        _lookupBase = lookupBaseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        retry ??= new RetryOptions();
        _runner = new OperationRunner(UploadPipeline.Create(retry, _timeProvider, _logger), retry.AttemptTimeout, budget: null, RunnerError)
        {
            NetworkErrorCode = AuthErrorCodes.LookupUnreachable,
        };
    }

    /// <summary>Resolves the blob v1 base URL of a catalog.</summary>
    /// <param name="hrn">The catalog HRN.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The <c>baseURL</c> of the <c>blob</c> <c>v1</c> entry.</returns>
    /// <exception cref="PartUploadException">The lookup failed, or listed no blob v1 API (<c>ErrorCode</c> <c>ApiNotFound</c>).</exception>
    public Task<Uri> GetBlobBaseUrlAsync(CatalogHrn hrn, CancellationToken cancellationToken = default) =>
        GetApiBaseUrlAsync(hrn, AuthDefaults.BlobApi, AuthDefaults.BlobApiVersion, cancellationToken);

    /// <summary>Resolves the base URL of one API of a catalog.</summary>
    /// <param name="hrn">The catalog HRN.</param>
    /// <param name="api">The API name, for example <c>blob</c>.</param>
    /// <param name="version">The API version, for example <c>v1</c>.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The <c>baseURL</c> of the matching entry.</returns>
    /// <exception cref="PartUploadException">The lookup failed, or listed no matching API (<c>ErrorCode</c> <c>ApiNotFound</c>).</exception>
    public async Task<Uri> GetApiBaseUrlAsync(CatalogHrn hrn, string api, string version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hrn);
        ArgumentException.ThrowIfNullOrWhiteSpace(api);
        ArgumentException.ThrowIfNullOrWhiteSpace(version);

        string hrnText = hrn.ToString();
        var url = new Uri($"{_lookupBase}/resources/{hrnText}/apis/{Uri.EscapeDataString(api)}/{Uri.EscapeDataString(version)}");
        return await ResolveAsync(hrnText, url, api, version, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Resolves the base URL of a platform API (not a catalog resource), for example <c>config</c> <c>v1</c> (publish spec 10.1, P27).</summary>
    /// <param name="api">The API name.</param>
    /// <param name="version">The API version.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The <c>baseURL</c> of the matching entry of <c>GET {lookupBase}/platform/apis/{api}/{version}</c>.</returns>
    /// <exception cref="PartUploadException">The lookup failed, or listed no matching API (<c>ErrorCode</c> <c>ApiNotFound</c>).</exception>
    public async Task<Uri> GetPlatformApiBaseUrlAsync(string api, string version, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(api);
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        var url = new Uri($"{_lookupBase}/platform/apis/{Uri.EscapeDataString(api)}/{Uri.EscapeDataString(version)}");
        return await ResolveAsync("platform", url, api, version, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Uri> ResolveAsync(string hrnText, Uri url, string api, string version, CancellationToken cancellationToken)
    {
        var key = (hrnText, api, version);
        if (_cache.TryGetValue(key, out CacheEntry entry) && _timeProvider.GetUtcNow() < entry.ExpiresAt)
        {
            AuthLog.LookupCacheHit(_logger, api, version, hrnText);
            return entry.BaseUrl;
        }

        AuthLog.LookupRequest(_logger, api, version, hrnText);

        var attempt = new LookupAttempt(url, await _tokenSource.GetTokenAsync(forceRefresh: false, cancellationToken).ConfigureAwait(false));
        (Uri baseUrl, TimeSpan? maxAge) = await _runner.ExecuteAsync(
            AuthOperations.Lookup, token => LookupOnceAsync(attempt, api, version, token), cancellationToken).ConfigureAwait(false);
        if (maxAge is { } age && age > TimeSpan.Zero)
        {
            _cache[key] = new CacheEntry(baseUrl, _timeProvider.GetUtcNow() + age);
        }
        else
        {
            _cache.TryRemove(key, out _);
        }

        AuthLog.LookupResolved(_logger, api, version, hrnText, baseUrl.Authority, (long)(maxAge ?? TimeSpan.Zero).TotalSeconds);
        return baseUrl;
    }

    /// <summary>One attempt: the request (and one re-send with a fresh token on the first 401 of the lookup), its bounded body, its answer.</summary>
    private async Task<(Uri BaseUrl, TimeSpan? MaxAge)> LookupOnceAsync(LookupAttempt attempt, string api, string version, CancellationToken cancellationToken)
    {
        HttpResponseMessage response = await SendAsync(attempt.Url, attempt.Token, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized && !attempt.Refreshed)
        {
            response.Dispose();
            attempt.Refreshed = true;
            AuthLog.LookupUnauthorized(_logger);
            attempt.Token = await _tokenSource.GetTokenAsync(forceRefresh: true, cancellationToken).ConfigureAwait(false);
            response = await SendAsync(attempt.Url, attempt.Token, cancellationToken).ConfigureAwait(false);
        }

        using (response)
        {
            int status = (int)response.StatusCode;
            string? body = await BoundedBody.ReadStringAsync(response.Content, BoundedBody.DefaultMaxBytes, cancellationToken).ConfigureAwait(false);
            string? correlationId = response.Headers.TryGetValues(CorrelationIdHeader, out IEnumerable<string>? values) ? ServiceError.Sanitize(values.FirstOrDefault()) : null;
            if (!response.IsSuccessStatusCode)
            {
                PartUploadException error = CreateError(status, body, correlationId, ServiceError.GetRetryAfter(response.Headers, _timeProvider));
                AuthLog.LookupFailed(_logger, status, error.ErrorCode);
                throw error;
            }

            if (body is null)
            {
                throw Error($"The API lookup answered with a body larger than {BoundedBody.DefaultMaxBytes} bytes; it was not read further", status, AuthErrorCodes.InvalidLookupResponse, null, correlationId);
            }

            return (FindBaseUrl(body, api, version, status, correlationId), CacheLifetime(response.Headers.CacheControl));
        }
    }

    private static TimeSpan? CacheLifetime(CacheControlHeaderValue? cacheControl) =>
        cacheControl is null || cacheControl.NoStore || cacheControl.NoCache ? null : cacheControl.MaxAge;

    private static Uri FindBaseUrl(string body, string api, string version, int status, string? correlationId)
    {
        List<LookupApiEntry>? entries = null;
        try
        {
            entries = JsonSerializer.Deserialize(body, AuthJsonContext.Default.ListLookupApiEntry);
        }
        catch (JsonException)
        {
            // Reported below.
        }

        if (entries is null)
        {
            throw Error("The API lookup answered with a body that is not an API list", status, AuthErrorCodes.InvalidLookupResponse, null, correlationId);
        }

        LookupApiEntry? match = entries.FirstOrDefault(e =>
            string.Equals(e?.Api, api, StringComparison.Ordinal) && string.Equals(e?.Version, version, StringComparison.Ordinal));
        if (match is null)
        {
            throw Error($"The API lookup lists no {api} {version} API for the catalog", status, AuthErrorCodes.ApiNotFound, null, correlationId);
        }

        if (!Uri.TryCreate(match.BaseUrl, UriKind.Absolute, out Uri? baseUrl) || (baseUrl.Scheme != Uri.UriSchemeHttps && baseUrl.Scheme != Uri.UriSchemeHttp))
        {
            throw Error($"The API lookup gave no absolute http(s) baseURL for {api} {version}", status, AuthErrorCodes.InvalidLookupResponse, null, correlationId);
        }

        return baseUrl;
    }

    private static PartUploadException CreateError(int status, string? body, string? correlationId, TimeSpan? retryAfter)
    {
        string? code = null;
        string? message = null;
        if (body is not null)
        {
            try
            {
                LookupErrorBody? error = JsonSerializer.Deserialize(body, AuthJsonContext.Default.LookupErrorBody);
                code = ServiceError.Sanitize(error is null ? null : AuthJsonContext.CodeText(error.Code));
                message = ServiceError.Sanitize(error?.Message);
            }
            catch (JsonException)
            {
                // No typed body: status only.
            }
        }

        return Error("The API lookup failed", status, code, message, correlationId, retryAfter);
    }

    private static PartUploadException Error(string summary, int status, string? code, string? title, string? correlationId, TimeSpan? retryAfter = null, Exception? inner = null)
    {
        string message = PartUploadException.FormatMessage(summary, AuthOperations.Lookup, status, code, title, correlationId);
        return status == (int)HttpStatusCode.Unauthorized
            ? new PartUploadAuthenticationException(message, inner) { Status = status, ErrorCode = code, ErrorTitle = title, CorrelationId = correlationId, Operation = AuthOperations.Lookup }
            : new PartUploadException(message, inner) { Status = status, ErrorCode = code, ErrorTitle = title, CorrelationId = correlationId, Operation = AuthOperations.Lookup, RetryAfter = retryAfter };
    }

    private static PartUploadException RunnerError(string summary, string operation, string? code, int status, int? partNumber, ServiceError? service, Exception? inner) =>
        Error(status == 0 && code == AuthErrorCodes.LookupUnreachable ? "The API lookup service could not be reached" : summary, status, code, service?.Title, service?.CorrelationId, inner: inner);

    private async Task<HttpResponseMessage> SendAsync(Uri url, AccessToken token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return await _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What the attempts of one lookup share: the URL, the current token, whether a 401 already forced a refresh.</summary>
    private sealed class LookupAttempt(Uri url, AccessToken token)
    {
        public Uri Url { get; } = url;

        public AccessToken Token { get; set; } = token;

        public bool Refreshed { get; set; }
    }

    private readonly record struct CacheEntry(Uri BaseUrl, DateTimeOffset ExpiresAt);
}
