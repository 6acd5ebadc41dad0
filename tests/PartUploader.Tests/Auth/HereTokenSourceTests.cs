using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace PartUploader.Tests.Auth;

public class HereTokenSourceTests
{
    private const string Secret = "very-secret-value-XYZ";
    private static readonly DateTimeOffset s_start = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    private readonly FakeTimeProvider _time = new(s_start);
    private readonly CapturingLogger _logger = new();

    private static HttpResponseMessage TokenResponse(string token = "token-1", int expiresIn = 3600)
        => FakeHttpHandler.Json(HttpStatusCode.OK, $$"""{"accessToken":"{{token}}","tokenType":"bearer","expiresIn":{{expiresIn}}}""");

    private static HttpResponseMessage ErrorResponse(HttpStatusCode status, string errorCode)
        => FakeHttpHandler.Json(status, $$"""{"errorId":"ERROR-abc","httpStatus":{{(int)status}},"errorCode":{{errorCode}},"message":"nope"}""");

    private HereTokenSource CreateSut(FakeHttpHandler handler, HereTokenSourceOptions? options = null, Func<string>? nonce = null, TimeProvider? time = null)
        => new(
            new HereCredentials("key-id", Secret) { TokenEndpointUrl = new Uri("https://account.example.test/oauth2/token") },
            new HttpClient(handler),
            options,
            time ?? _time,
            _logger,
            nonce);

    [Fact]
    public async Task GetTokenAsync_JsonFormat_PostsJsonBodyAndReadsCamelCaseToken()
    {
        var handler = new FakeHttpHandler((_, _) => TokenResponse("tok-json", 3600));
        var sut = CreateSut(handler);

        AccessToken token = await sut.GetTokenAsync(false);

        token.Value.ShouldBe("tok-json");
        token.ExpiresOn.ShouldBe(s_start.AddSeconds(3600));
        RecordedRequest request = handler.Requests.Single();
        request.Method.ShouldBe(HttpMethod.Post);
        request.ContentType.ShouldBe("application/json");
        request.Body.ShouldBe("""{"grantType":"client_credentials","expiresIn":3600}""");
    }

    [Fact]
    public async Task GetTokenAsync_FormFormat_PostsFormBodyAndReadsSnakeCaseToken()
    {
        var handler = new FakeHttpHandler((_, _) => FakeHttpHandler.Json(HttpStatusCode.OK, """{"access_token":"tok-form","token_type":"bearer","expires_in":600}"""));
        var sut = CreateSut(handler, new HereTokenSourceOptions { RequestFormat = HereTokenRequestFormat.Form });

        AccessToken token = await sut.GetTokenAsync(false);

        token.Value.ShouldBe("tok-form");
        token.ExpiresOn.ShouldBe(s_start.AddSeconds(600));
        handler.Requests.Single().ContentType.ShouldBe("application/x-www-form-urlencoded");
        handler.Requests.Single().Body.ShouldBe("grant_type=client_credentials");
    }

    [Fact]
    public async Task GetTokenAsync_BeforeRefreshMargin_ReturnsCachedToken()
    {
        var handler = new FakeHttpHandler((_, i) => TokenResponse($"token-{i}"));
        var sut = CreateSut(handler);
        AccessToken first = await sut.GetTokenAsync(false);

        _time.Advance(TimeSpan.FromMinutes(55) - TimeSpan.FromSeconds(1));
        AccessToken second = await sut.GetTokenAsync(false);

        second.ShouldBeSameAs(first);
        handler.Count.ShouldBe(1);
    }

    [Fact]
    public async Task GetTokenAsync_InsideRefreshMargin_RefreshesAheadOfExpiry()
    {
        var handler = new FakeHttpHandler((_, i) => TokenResponse($"token-{i}"));
        var sut = CreateSut(handler);
        await sut.GetTokenAsync(false);

        _time.Advance(TimeSpan.FromMinutes(55));
        AccessToken second = await sut.GetTokenAsync(false);

        second.Value.ShouldBe("token-1");
        handler.Count.ShouldBe(2);
    }

    [Fact]
    public async Task GetTokenAsync_ShortLivedToken_RefreshesAtHalfLifetime()
    {
        var handler = new FakeHttpHandler((_, i) => TokenResponse($"token-{i}", expiresIn: 300));
        var sut = CreateSut(handler);
        await sut.GetTokenAsync(false);

        _time.Advance(TimeSpan.FromSeconds(149));
        await sut.GetTokenAsync(false);
        handler.Count.ShouldBe(1);
        _time.Advance(TimeSpan.FromSeconds(1));
        (await sut.GetTokenAsync(false)).Value.ShouldBe("token-1");

        handler.Count.ShouldBe(2);
    }

    [Fact]
    public async Task GetTokenAsync_ManyConcurrentCallers_SendOneTokenRequest()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new FakeHttpHandler(async (_, i) =>
        {
            await gate.Task;
            return TokenResponse($"token-{i}");
        });
        var sut = CreateSut(handler);

        var callers = new Task<AccessToken>[64];
        Parallel.For(0, callers.Length, i => callers[i] = sut.GetTokenAsync(false));
        callers.ShouldAllBe(c => !c.IsCompleted);
        gate.SetResult();
        AccessToken[] tokens = await Task.WhenAll(callers);

        handler.Count.ShouldBe(1);
        tokens.ShouldAllBe(t => t.Value == "token-0");
    }

    [Fact]
    public async Task GetTokenAsync_ForceRefresh_BypassesCache()
    {
        var handler = new FakeHttpHandler((_, i) => TokenResponse($"token-{i}"));
        var sut = CreateSut(handler);
        await sut.GetTokenAsync(false);

        AccessToken forced = await sut.GetTokenAsync(true);

        forced.Value.ShouldBe("token-1");
        handler.Count.ShouldBe(2);
        (await sut.GetTokenAsync(false)).ShouldBeSameAs(forced);
    }

    [Fact]
    public async Task GetTokenAsync_ConcurrentForcedRefreshes_Coalesce()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new FakeHttpHandler(async (_, i) =>
        {
            if (i > 0)
            {
                await gate.Task;
            }

            return TokenResponse($"token-{i}");
        });
        var sut = CreateSut(handler);
        await sut.GetTokenAsync(false);

        Task<AccessToken>[] forced = Enumerable.Range(0, 16).Select(_ => sut.GetTokenAsync(true)).ToArray();
        gate.SetResult();
        AccessToken[] tokens = await Task.WhenAll(forced);

        handler.Count.ShouldBe(2);
        tokens.ShouldAllBe(t => t.Value == "token-1");
    }

    [Fact]
    public async Task GetTokenAsync_TimestampRejected_ResignsOnceWithServerDate()
    {
        DateTimeOffset serverNow = s_start.AddMinutes(20);
        var handler = new FakeHttpHandler((_, i) =>
        {
            if (i > 0)
            {
                return TokenResponse("after-skew");
            }

            HttpResponseMessage response = ErrorResponse(HttpStatusCode.Unauthorized, "401204");
            response.Headers.Date = serverNow;
            return response;
        });
        var sut = CreateSut(handler);

        AccessToken token = await sut.GetTokenAsync(false);

        token.Value.ShouldBe("after-skew");
        RecordedRequest[] requests = handler.Requests.ToArray();
        requests.Length.ShouldBe(2);
        requests[0].OAuthParameters()["oauth_timestamp"].ShouldBe("1700000000");
        requests[1].OAuthParameters()["oauth_timestamp"].ShouldBe(serverNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task GetTokenAsync_TimestampRejectedTwice_ThrowsWithTimestampCode()
    {
        var handler = new FakeHttpHandler((_, _) =>
        {
            HttpResponseMessage response = ErrorResponse(HttpStatusCode.Unauthorized, "401204");
            response.Headers.Date = s_start.AddHours(2);
            return response;
        });
        var sut = CreateSut(handler);

        var ex = await Should.ThrowAsync<PartUploadAuthenticationException>(() => sut.GetTokenAsync(false));

        ex.ErrorCode.ShouldBe("401204");
        handler.Count.ShouldBe(2);
    }

    [Fact]
    public async Task GetTokenAsync_ManyRequests_NeverReuseANonce()
    {
        var handler = new FakeHttpHandler((_, i) => TokenResponse($"token-{i}"));
        var sut = CreateSut(handler);

        for (int i = 0; i < 25; i++)
        {
            await sut.GetTokenAsync(true);
        }

        handler.Requests.Select(r => r.OAuthParameters()["oauth_nonce"]).Distinct().Count().ShouldBe(25);
    }

    [Theory]
    [InlineData("401300", "signature")]
    [InlineData("401207", "nonce")]
    [InlineData("401204", "timestamp")]
    public async Task GetTokenAsync_ServiceRefuses_ThrowsAuthenticationExceptionWithCode(string code, string hint)
    {
        var handler = new FakeHttpHandler((_, _) => ErrorResponse(HttpStatusCode.Unauthorized, code));
        var sut = CreateSut(handler);

        var ex = await Should.ThrowAsync<PartUploadAuthenticationException>(() => sut.GetTokenAsync(false));

        ex.Status.ShouldBe(401);
        ex.ErrorCode.ShouldBe(code);
        ex.Operation.ShouldBe("Token");
        ex.CorrelationId.ShouldBe("ERROR-abc");
        ex.Message.ShouldContain(hint);
        handler.Count.ShouldBe(1);
    }

    [Fact]
    public async Task GetTokenAsync_ErrorCodeAsString_IsMapped()
    {
        var handler = new FakeHttpHandler((_, _) => ErrorResponse(HttpStatusCode.Unauthorized, "\"401300\""));
        var sut = CreateSut(handler);

        var ex = await Should.ThrowAsync<PartUploadAuthenticationException>(() => sut.GetTokenAsync(false));

        ex.ErrorCode.ShouldBe("401300");
    }

    [Fact]
    public async Task GetTokenAsync_ServiceUnavailableThenOk_RetriesAfterBackoff()
    {
        var time = new TimerWatchingTimeProvider(s_start);
        var handler = new FakeHttpHandler((_, i) => i < 2 ? ErrorResponse(HttpStatusCode.ServiceUnavailable, "503000") : TokenResponse("after-retry"));
        var sut = CreateSut(handler, time: time);

        Task<AccessToken> pending = sut.GetTokenAsync(false);
        await time.WaitForTimerAsync(TimeSpan.FromSeconds(1));
        handler.Count.ShouldBe(1);
        time.Advance(TimeSpan.FromSeconds(1));
        await time.WaitForTimerAsync(TimeSpan.FromSeconds(2));
        handler.Count.ShouldBe(2);
        time.Advance(TimeSpan.FromSeconds(2));
        AccessToken token = await pending;

        token.Value.ShouldBe("after-retry");
        handler.Count.ShouldBe(3);
    }

    [Fact]
    public async Task GetTokenAsync_TooManyRequestsWithRetryAfter_WaitsRetryAfter()
    {
        var time = new TimerWatchingTimeProvider(s_start);
        var handler = new FakeHttpHandler((_, i) =>
        {
            if (i > 0)
            {
                return TokenResponse();
            }

            HttpResponseMessage response = ErrorResponse(HttpStatusCode.TooManyRequests, "429001");
            response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
            return response;
        });
        var sut = CreateSut(handler, time: time);

        Task<AccessToken> pending = sut.GetTokenAsync(false);
        await time.WaitForTimerAsync(TimeSpan.FromSeconds(7));
        time.Advance(TimeSpan.FromSeconds(7));
        await pending;

        handler.Count.ShouldBe(2);
    }

    [Fact]
    public async Task GetTokenAsync_ServerErrorsBeyondRetries_ThrowsPartUploadExceptionWithStatus()
    {
        var handler = new FakeHttpHandler((_, _) => ErrorResponse(HttpStatusCode.InternalServerError, "500100"));
        var sut = CreateSut(handler, new HereTokenSourceOptions { MaxRetries = 2, RetryDelay = TimeSpan.Zero });

        var ex = await Should.ThrowAsync<PartUploadException>(() => sut.GetTokenAsync(false));

        ex.ShouldNotBeOfType<PartUploadAuthenticationException>();
        ex.Status.ShouldBe(500);
        ex.ErrorCode.ShouldBe("500100");
        handler.Count.ShouldBe(3);
    }

    [Fact]
    public async Task GetTokenAsync_NetworkFailures_RetriedThenThrowUnreachable()
    {
        var handler = new FakeHttpHandler((RecordedRequest _, int _) => Task.FromException<HttpResponseMessage>(new HttpRequestException("connection refused")));
        var sut = CreateSut(handler, new HereTokenSourceOptions { MaxRetries = 1, RetryDelay = TimeSpan.Zero });

        var ex = await Should.ThrowAsync<PartUploadException>(() => sut.GetTokenAsync(false));

        ex.Status.ShouldBe(0);
        ex.ErrorCode.ShouldBe("TokenEndpointUnreachable");
        ex.InnerException.ShouldBeOfType<HttpRequestException>();
        handler.Count.ShouldBe(2);
    }

    [Fact]
    public async Task GetTokenAsync_EndpointHangs_TimesOutAfterRequestTimeout()
    {
        var time = new TimerWatchingTimeProvider(s_start);
        var sut = new HereTokenSource(
            new HereCredentials("key-id", Secret),
            new HttpClient(new HangingHandler()),
            new HereTokenSourceOptions { MaxRetries = 0, RequestTimeout = TimeSpan.FromSeconds(20) },
            time);

        Task<AccessToken> pending = sut.GetTokenAsync(false);
        await time.WaitForTimerAsync(TimeSpan.FromSeconds(20));
        time.Advance(TimeSpan.FromSeconds(20));
        var ex = await Should.ThrowAsync<PartUploadException>(() => pending);

        ex.ErrorCode.ShouldBe("TokenEndpointUnreachable");
        ex.InnerException.ShouldBeOfType<TimeoutException>();
    }

    [Fact]
    public async Task GetTokenAsync_AnyOutcome_LogsInAuthEventBandWithNames()
    {
        var handler = new FakeHttpHandler((_, i) => i == 0 ? ErrorResponse(HttpStatusCode.ServiceUnavailable, "503") : TokenResponse());
        var sut = CreateSut(handler, new HereTokenSourceOptions { RetryDelay = TimeSpan.Zero });

        await sut.GetTokenAsync(false);
        await sut.GetTokenAsync(false);

        _logger.Lines.ShouldNotBeEmpty();
        foreach (string line in _logger.Lines)
        {
            string[] parts = line.Split(' ');
            int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture).ShouldBeInRange(500, 599);
            parts[2].ShouldNotBeNullOrWhiteSpace();
        }
    }

    private sealed class HangingHandler : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }

    [Fact]
    public async Task GetTokenAsync_AfterFailedRefresh_NextCallRequestsAgain()
    {
        var handler = new FakeHttpHandler((_, i) => i == 0 ? ErrorResponse(HttpStatusCode.Unauthorized, "401300") : TokenResponse("second"));
        var sut = CreateSut(handler);
        await Should.ThrowAsync<PartUploadAuthenticationException>(() => sut.GetTokenAsync(false));

        AccessToken token = await sut.GetTokenAsync(false);

        token.Value.ShouldBe("second");
    }

    [Fact]
    public async Task GetTokenAsync_CallerCancels_OtherCallersStillGetTheSharedToken()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new FakeHttpHandler(async (_, _) =>
        {
            await gate.Task;
            return TokenResponse("shared");
        });
        var sut = CreateSut(handler);
        using var cts = new CancellationTokenSource();

        Task<AccessToken> cancelled = sut.GetTokenAsync(false, cts.Token);
        Task<AccessToken> patient = sut.GetTokenAsync(false);
        await cts.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(() => cancelled);
        gate.SetResult();

        (await patient).Value.ShouldBe("shared");
        handler.Count.ShouldBe(1);
    }

    [Fact]
    public async Task GetTokenAsync_SuccessAndFailureAtTrace_NeverLeakSecretTokenOrSignature()
    {
        var handler = new FakeHttpHandler((_, i) => i == 0 ? TokenResponse("the-bearer-token-value") : ErrorResponse(HttpStatusCode.Unauthorized, "401300"));
        var sut = CreateSut(handler);
        await sut.GetTokenAsync(false);
        await sut.GetTokenAsync(false);
        var ex = await Should.ThrowAsync<PartUploadAuthenticationException>(() => sut.GetTokenAsync(true));

        string everything = string.Join('\n', _logger.All, ex.ToString(), sut.ToString(), (await sut.GetTokenAsync(false)).ToString());
        string[] signatures = handler.Requests.Select(r => r.OAuthParameters()["oauth_signature"]).ToArray();
        string[] authorizations = handler.Requests.Select(r => r.Authorization!).ToArray();

        _logger.Lines.ShouldNotBeEmpty();
        everything.ShouldNotContain(Secret);
        everything.ShouldNotContain("the-bearer-token-value");
        foreach (string signature in signatures)
        {
            everything.ShouldNotContain(signature);
            everything.ShouldNotContain(Uri.UnescapeDataString(signature));
        }

        foreach (string authorization in authorizations)
        {
            everything.ShouldNotContain(authorization);
        }
    }

    [Theory]
    [InlineData(nameof(HereTokenSourceOptions.MaxRetries))]
    [InlineData(nameof(HereTokenSourceOptions.RefreshMargin))]
    [InlineData(nameof(HereTokenSourceOptions.ExpiresIn))]
    [InlineData(nameof(HereTokenSourceOptions.RequestTimeout))]
    public void Constructor_OptionOutOfRange_ThrowsNamingTheOption(string option)
    {
        var options = new HereTokenSourceOptions();
        switch (option)
        {
            case nameof(HereTokenSourceOptions.MaxRetries): options.MaxRetries = -1; break;
            case nameof(HereTokenSourceOptions.RefreshMargin): options.RefreshMargin = TimeSpan.FromHours(2); break;
            case nameof(HereTokenSourceOptions.ExpiresIn): options.ExpiresIn = TimeSpan.FromDays(2); break;
            default: options.RequestTimeout = TimeSpan.Zero; break;
        }

        var ex = Should.Throw<OptionsValidationException>(() => CreateSut(new FakeHttpHandler((_, _) => TokenResponse()), options));

        ex.Message.ShouldContain(option);
    }

    [Fact]
    public void ToString_Always_ShowsKeyIdButNotSecret()
    {
        var sut = CreateSut(new FakeHttpHandler((_, _) => TokenResponse()));

        string text = sut.ToString();

        text.ShouldContain("key-id");
        text.ShouldNotContain(Secret);
    }
}
