using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PartUploader.Internal.Auth;

/// <summary>
/// Resolves the base URL of a catalog's API through the HERE API lookup service (spec section 7):
/// <c>GET {lookupBase}/resources/{hrn}/apis/{api}/{version}</c> with the bearer token.
/// </summary>
/// <remarks>
/// Thread-safe. Answers are cached per HRN, API and version for the response's
/// <c>Cache-Control: max-age</c> (not cached without it, or with <c>no-store</c>/<c>no-cache</c>), measured
/// with the injected <see cref="TimeProvider"/>. A 401 makes the client force one token refresh and
/// retry once. Errors become <see cref="PartUploadException"/> with <c>Operation</c> <c>Lookup</c>,
/// <c>Status</c>, and the service's <c>code</c> as <c>ErrorCode</c>.
/// </remarks>
internal sealed class ApiLookupClient
{
    private const string CorrelationIdHeader = "X-Correlation-ID";

    private readonly HttpClient _httpClient;
    private readonly AccessTokenSource _tokenSource;
    private readonly string _lookupBase;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<(string Hrn, string Api, string Version), CacheEntry> _cache = new();

    /// <summary>Initializes a new instance.</summary>
    /// <param name="httpClient">The client that sends lookup requests; owned by the caller.</param>
    /// <param name="tokenSource">Supplies the bearer token.</param>
    /// <param name="lookupBaseUrl">The lookup base URL; null for <c>https://api-lookup.data.api.platform.here.com/lookup/v1</c>.</param>
    /// <param name="timeProvider">The clock for the cache; null for <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">The logger; null for none.</param>
    public ApiLookupClient(
        HttpClient httpClient,
        AccessTokenSource tokenSource,
        Uri? lookupBaseUrl = null,
        TimeProvider? timeProvider = null,
        ILogger? logger = null)
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
        var key = (hrnText, api, version);
        if (_cache.TryGetValue(key, out CacheEntry entry) && _timeProvider.GetUtcNow() < entry.ExpiresAt)
        {
            AuthLog.LookupCacheHit(_logger, api, version, hrnText);
            return entry.BaseUrl;
        }

        AuthLog.LookupRequest(_logger, api, version, hrnText);
        var url = new Uri($"{_lookupBase}/resources/{hrnText}/apis/{Uri.EscapeDataString(api)}/{Uri.EscapeDataString(version)}");

        AccessToken token = await _tokenSource.GetTokenAsync(forceRefresh: false, cancellationToken).ConfigureAwait(false);
        HttpResponseMessage response = await SendAsync(url, token, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            response.Dispose();
            AuthLog.LookupUnauthorized(_logger);
            token = await _tokenSource.GetTokenAsync(forceRefresh: true, cancellationToken).ConfigureAwait(false);
            response = await SendAsync(url, token, cancellationToken).ConfigureAwait(false);
        }

        using (response)
        {
            int status = (int)response.StatusCode;
            string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            string? correlationId = response.Headers.TryGetValues(CorrelationIdHeader, out IEnumerable<string>? values) ? values.FirstOrDefault() : null;
            if (!response.IsSuccessStatusCode)
            {
                throw CreateError(status, body, correlationId);
            }

            Uri baseUrl = FindBaseUrl(body, api, version, status, correlationId);
            TimeSpan? maxAge = CacheLifetime(response.Headers.CacheControl);
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

    private static PartUploadException CreateError(int status, string body, string? correlationId)
    {
        string? code = null;
        string? message = null;
        try
        {
            LookupErrorBody? error = JsonSerializer.Deserialize(body, AuthJsonContext.Default.LookupErrorBody);
            code = error is null ? null : AuthJsonContext.CodeText(error.Code);
            message = error?.Message;
        }
        catch (JsonException)
        {
            // No typed body: status only.
        }

        return Error("The API lookup failed", status, code, message, correlationId);
    }

    private static PartUploadException Error(string summary, int status, string? code, string? title, string? correlationId)
    {
        string message = PartUploadException.FormatMessage(summary, AuthOperations.Lookup, status, code, title, correlationId);
        return status == (int)HttpStatusCode.Unauthorized
            ? new PartUploadAuthenticationException(message) { Status = status, ErrorCode = code, ErrorTitle = title, CorrelationId = correlationId, Operation = AuthOperations.Lookup }
            : new PartUploadException(message) { Status = status, ErrorCode = code, ErrorTitle = title, CorrelationId = correlationId, Operation = AuthOperations.Lookup };
    }

    private async Task<HttpResponseMessage> SendAsync(Uri url, AccessToken token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        try
        {
            return await _httpClient.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new PartUploadException(PartUploadException.FormatMessage("The API lookup service could not be reached", AuthOperations.Lookup, 0, AuthErrorCodes.LookupUnreachable), ex)
            {
                ErrorCode = AuthErrorCodes.LookupUnreachable,
                Operation = AuthOperations.Lookup,
            };
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PartUploadException(PartUploadException.FormatMessage("The API lookup timed out", AuthOperations.Lookup, 0, PartUploadErrorCodes.ClientTimeout), new TimeoutException("The API lookup timed out.", ex))
            {
                ErrorCode = PartUploadErrorCodes.ClientTimeout,
                Operation = AuthOperations.Lookup,
            };
        }
    }

    private readonly record struct CacheEntry(Uri BaseUrl, DateTimeOffset ExpiresAt);
}
