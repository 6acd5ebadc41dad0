using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PartUploader.Internal.Auth;
using PartUploader.Internal.Protocol;
using PartUploader.Internal.Resilience;

namespace PartUploader;

/// <summary>
/// The HERE credentials provider: gets bearer tokens from the HERE account service with the
/// OAuth 1.0a-signed client-credentials request, and caches them.
/// </summary>
/// <remarks>
/// <para>
/// Thread-safe. A cached token is returned until <see cref="HereTokenSourceOptions.RefreshMargin"/> before it
/// expires; then one caller's request refreshes it while concurrent callers wait for that same request
/// (single flight), also when they force a refresh. Cancelling a caller stops its wait, not the shared
/// refresh, which is bounded by <see cref="HereTokenSourceOptions.RequestTimeout"/> and the retry limit.
/// </para>
/// <para>
/// Transient failures (5xx, 408, 429, network, timeouts) are retried with exponential back-off through a Polly
/// pipeline (each attempt bounded by <see cref="HereTokenSourceOptions.RequestTimeout"/>), then surface as
/// <see cref="PartUploadException"/>. The response body is read with a cap of 1 MiB. A refusal (4xx) surfaces at once as
/// <see cref="PartUploadAuthenticationException"/> with the service's error code; when the service rejects the
/// timestamp (<c>401204</c>) the request is re-signed once with the server time from the response's
/// <c>Date</c> header. Every request carries a fresh random nonce. The secret, the token, the signature and the
/// <c>Authorization</c> header are never logged nor put into an exception.
/// </para>
/// <para>The <see cref="HttpClient"/> belongs to the caller (for example from <c>IHttpClientFactory</c>); it is not disposed here.</para>
/// </remarks>
public sealed class HereTokenSource : AccessTokenSource
{
    private readonly HereCredentials _credentials;
    private readonly HttpClient _httpClient;
    private readonly HereTokenRequestFormat _requestFormat;
    private readonly TimeSpan? _expiresIn;
    private readonly TimeSpan _refreshMargin;
    private readonly TimeSpan _requestTimeout;
    private readonly OperationRunner _runner;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Func<string> _nonceSource;
    private readonly Lock _lock = new();

    private AccessToken? _cached;
    private DateTimeOffset _refreshAt;
    private Task<AccessToken>? _refresh;
    private TimeSpan _clockOffset;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="credentials">The access key id and secret.</param>
    /// <param name="httpClient">The client that sends token requests; owned by the caller.</param>
    /// <param name="options">The tuning; null for the defaults. Its values are copied.</param>
    /// <param name="timeProvider">The clock for timestamps, expiry and back-off; null for <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">The logger; null for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="credentials"/> or <paramref name="httpClient"/> is null.</exception>
    /// <exception cref="OptionsValidationException">An option is out of range; the message names it, its value and the allowed range.</exception>
    public HereTokenSource(
        HereCredentials credentials,
        HttpClient httpClient,
        HereTokenSourceOptions? options = null,
        TimeProvider? timeProvider = null,
        ILogger? logger = null)
        : this(credentials, httpClient, options, timeProvider, logger, nonceSource: null)
    {
    }

    /// <summary>Initializes a new instance with an injectable nonce source (for tests).</summary>
    internal HereTokenSource(
        HereCredentials credentials,
        HttpClient httpClient,
        HereTokenSourceOptions? options,
        TimeProvider? timeProvider,
        ILogger? logger,
        Func<string>? nonceSource)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(httpClient);
        options ??= new HereTokenSourceOptions();
        HereTokenSourceOptionsValidator.ThrowIfInvalid(options);

        _credentials = credentials;
        _httpClient = httpClient;
        _requestFormat = options.RequestFormat;
        _expiresIn = options.ExpiresIn;
        _refreshMargin = options.RefreshMargin;
        _requestTimeout = options.RequestTimeout;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _nonceSource = nonceSource ?? CreateNonce;
        _runner = new OperationRunner(
            TokenPipeline.Create(options.MaxRetries, options.RetryDelay, options.RequestTimeout, _timeProvider, _logger), options.RequestTimeout, budget: null, RunnerError)
        {
            NetworkErrorCode = AuthErrorCodes.TokenEndpointUnreachable,
            TimeoutErrorCode = AuthErrorCodes.TokenEndpointUnreachable,
        };
    }

    /// <inheritdoc/>
    /// <exception cref="PartUploadAuthenticationException">The account service refused the request (4xx), with its error code.</exception>
    /// <exception cref="PartUploadException">The account service could not be reached or kept failing after the retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    public override Task<AccessToken> GetTokenAsync(bool forceRefresh, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<AccessToken>(cancellationToken);
        }

        TaskCompletionSource<AccessToken>? owner = null;
        Task<AccessToken> refresh;
        lock (_lock)
        {
            DateTimeOffset now = _timeProvider.GetUtcNow();
            if (!forceRefresh && _cached is not null && now < _refreshAt)
            {
                AuthLog.TokenCacheHit(_logger, (long)(_cached.ExpiresOn - now).TotalSeconds);
                return Task.FromResult(_cached);
            }

            if (_refresh is null)
            {
                owner = new TaskCompletionSource<AccessToken>(TaskCreationOptions.RunContinuationsAsynchronously);
                _refresh = owner.Task;
            }

            refresh = _refresh;
        }

        if (owner is not null)
        {
            _ = RunRefreshAsync(owner, forceRefresh);
        }

        return refresh.WaitAsync(cancellationToken);
    }

    /// <summary>Describes the source without secrets.</summary>
    /// <returns>For example <c>HereTokenSource(AccessKeyId=ABC, TokenEndpoint=account.api.here.com)</c>.</returns>
    public override string ToString() => $"HereTokenSource(AccessKeyId={_credentials.AccessKeyId}, TokenEndpoint={_credentials.TokenEndpointUrl.Authority})";

    private static string CreateNonce() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private async Task RunRefreshAsync(TaskCompletionSource<AccessToken> owner, bool forced)
    {
        try
        {
            AccessToken token = await RequestTokenAsync(forced).ConfigureAwait(false);
            lock (_lock)
            {
                _cached = token;
                _refreshAt = ComputeRefreshAt(_timeProvider.GetUtcNow(), token.ExpiresOn);
                _refresh = null;
            }

            owner.SetResult(token);
        }
#pragma warning disable CA1031 // The failure is handed to every waiter through the shared task.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            lock (_lock)
            {
                _refresh = null;
            }

            owner.SetException(ex);
        }
    }

    private DateTimeOffset ComputeRefreshAt(DateTimeOffset now, DateTimeOffset expiresOn)
    {
        TimeSpan lifetime = expiresOn - now;
        return lifetime >= 2 * _refreshMargin ? expiresOn - _refreshMargin : now + (lifetime / 2);
    }

    private Task<AccessToken> RequestTokenAsync(bool forced)
    {
        var state = new TokenRequestState();
        return _runner.ExecuteAsync(AuthOperations.Token, token => AttemptAsync(state, forced, token), CancellationToken.None);
    }

    /// <summary>
    /// One attempt of the pipeline. A rejected timestamp (401204 with a <c>Date</c>) is re-signed at once, once per
    /// refresh, with the server's clock: a new request, so a fresh nonce, timestamp and signature.
    /// </summary>
    private async Task<AccessToken> AttemptAsync(TokenRequestState state, bool forced, CancellationToken cancellationToken)
    {
        while (true)
        {
            state.Attempt++;
            AuthLog.TokenRequest(_logger, _credentials.TokenEndpointUrl.Authority, state.Attempt, forced);
            TokenAttempt result = await SendOnceAsync(cancellationToken).ConfigureAwait(false);
            if (result.Token is not null)
            {
                return result.Token;
            }

            if (result.ServerDate is { } serverDate && !state.SkewCorrected)
            {
                state.SkewCorrected = true;
                _clockOffset = serverDate - _timeProvider.GetUtcNow();
                AuthLog.TokenClockSkew(_logger, (long)_clockOffset.TotalSeconds);
                continue;
            }

            throw result.Error!;
        }
    }

    private async Task<TokenAttempt> SendOnceAsync(CancellationToken cancellationToken)
    {
        using HttpRequestMessage request = CreateRequest();
        using HttpResponseMessage response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        int status = (int)response.StatusCode;
        string? body = await BoundedBody.ReadStringAsync(response.Content, BoundedBody.DefaultMaxBytes, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return TokenAttempt.Succeeded(ParseToken(body, status));
        }

        (string? errorCode, string? errorId) = ParseError(body);
        AuthLog.TokenRejected(_logger, status, errorCode);
        bool transient = ServiceError.IsTransientStatus(status);
        PartUploadException error = transient
            ? new PartUploadException(PartUploadException.FormatMessage("The HERE account service failed to issue a token", AuthOperations.Token, status, errorCode, correlationId: errorId))
            {
                Status = status,
                ErrorCode = errorCode,
                CorrelationId = errorId,
                Operation = AuthOperations.Token,
                RetryAfter = ServiceError.GetRetryAfter(response.Headers, _timeProvider),
            }
            : new PartUploadAuthenticationException(PartUploadException.FormatMessage($"The HERE account service refused the token request: {AuthErrorCodes.Describe(errorCode)}", AuthOperations.Token, status, errorCode, correlationId: errorId))
            {
                Status = status,
                ErrorCode = errorCode,
                CorrelationId = errorId,
                Operation = AuthOperations.Token,
            };

        DateTimeOffset? serverDate = errorCode == AuthErrorCodes.TimestampOutOfWindow ? response.Headers.Date : null;
        return TokenAttempt.Failed(error, serverDate);
    }

    /// <summary>The error once the pipeline gave up: the account service unreachable or timing out, or still failing.</summary>
    private PartUploadException RunnerError(string summary, string operation, string? code, int status, int? partNumber, ServiceError? service, Exception? inner)
    {
        if (status == 0)
        {
            string what = inner is TimeoutException ? "timed out" : "failed";
            summary = $"The request to the HERE account service {what}";
            inner = inner is TimeoutException ? new TimeoutException($"The token request took longer than {_requestTimeout.TotalSeconds} s.") : inner;
        }

        return OperationRunner.DefaultError(summary, operation, code, status, partNumber, service, inner, dataHandle: null);
    }

    private HttpRequestMessage CreateRequest()
    {
        Uri url = _credentials.TokenEndpointUrl;
        var request = new HttpRequestMessage(HttpMethod.Post, url);
        KeyValuePair<string, string>[] form = [];
        if (_requestFormat == HereTokenRequestFormat.Form)
        {
            form = [new("grant_type", AuthDefaults.GrantType)];
            request.Content = new FormUrlEncodedContent(form);
        }
        else
        {
            var body = new TokenRequestBody { ExpiresIn = _expiresIn is { } e ? (long)e.TotalSeconds : null };
            string json = JsonSerializer.Serialize(body, AuthJsonContext.Default.TokenRequestBody);
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        long timestamp = (_timeProvider.GetUtcNow() + _clockOffset).ToUnixTimeSeconds();
        string authorization = OAuth1Signer.CreateAuthorizationHeader(
            "POST", url, form, _credentials.AccessKeyId, _credentials.AccessKeySecret, _nonceSource(), timestamp);
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return request;
    }

    private AccessToken ParseToken(string? body, int status)
    {
        TokenResponseBody? parsed = null;
        try
        {
            // A body beyond the cap (null) is not read further: reported below like an unusable one.
            parsed = body is null ? null : JsonSerializer.Deserialize(body, AuthJsonContext.Default.TokenResponseBody);
        }
        catch (JsonException)
        {
            // Reported below without the body, which holds the token.
        }

        string? value = parsed?.AccessToken ?? parsed?.AccessTokenSnake;
        long? expiresIn = parsed?.ExpiresIn ?? parsed?.ExpiresInSnake;
        if (string.IsNullOrWhiteSpace(value) || !AccessToken.IsHeaderSafe(value) || expiresIn is <= 0)
        {
            throw new PartUploadException(PartUploadException.FormatMessage("The HERE account service answered without a usable token", AuthOperations.Token, status, AuthErrorCodes.InvalidTokenResponse))
            {
                Status = status,
                ErrorCode = AuthErrorCodes.InvalidTokenResponse,
                Operation = AuthOperations.Token,
            };
        }

        TimeSpan lifetime = expiresIn is { } seconds ? TimeSpan.FromSeconds(seconds) : _expiresIn ?? TimeSpan.FromHours(1);
        AuthLog.TokenAcquired(_logger, (long)lifetime.TotalSeconds);
        return new AccessToken(value, _timeProvider.GetUtcNow() + lifetime);
    }

    private static (string? ErrorCode, string? ErrorId) ParseError(string? body)
    {
        if (body is null)
        {
            return (null, null);
        }

        try
        {
            TokenErrorBody? error = JsonSerializer.Deserialize(body, AuthJsonContext.Default.TokenErrorBody);
            return (ServiceError.Sanitize(error is null ? null : AuthJsonContext.CodeText(error.ErrorCode)), ServiceError.Sanitize(error?.ErrorId));
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private readonly record struct TokenAttempt(AccessToken? Token, PartUploadException? Error, DateTimeOffset? ServerDate)
    {
        public static TokenAttempt Succeeded(AccessToken token) => new(token, null, null);

        public static TokenAttempt Failed(PartUploadException error, DateTimeOffset? serverDate) => new(null, error, serverDate);
    }

    /// <summary>What the attempts of one refresh share.</summary>
    private sealed class TokenRequestState
    {
        public int Attempt { get; set; }

        public bool SkewCorrected { get; set; }
    }
}
