using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace PartUploader.Tests.Auth;

/// <summary>The token source's pipeline: attempt timeouts retried, the skew re-sign a new signed request, the answer read with a cap.</summary>
public class HereTokenSourceResilienceTests
{
    private const string Secret = "very-secret-value-XYZ";
    private static readonly DateTimeOffset s_start = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    private readonly FakeTimeProvider _time = new(s_start);

    private static HttpResponseMessage TokenResponse(string token = "token-1", int expiresIn = 3600)
        => FakeHttpHandler.Json(HttpStatusCode.OK, $$"""{"accessToken":"{{token}}","tokenType":"bearer","expiresIn":{{expiresIn}}}""");

    private static HttpResponseMessage ErrorResponse(HttpStatusCode status, string errorCode)
        => FakeHttpHandler.Json(status, $$"""{"errorId":"ERROR-abc","httpStatus":{{(int)status}},"errorCode":{{errorCode}},"message":"nope"}""");

    private HereTokenSource CreateSut(FakeHttpHandler handler)
        => new(new HereCredentials("key-id", Secret) { TokenEndpointUrl = new Uri("https://account.example.test/oauth2/token") }, new HttpClient(handler), null, _time);

    [Fact]
    public async Task GetTokenAsync_TimestampRejected_ResignsWithFreshNonceAndSignature()
    {
        var handler = new FakeHttpHandler((_, i) =>
        {
            if (i > 0)
            {
                return TokenResponse("after-skew");
            }

            HttpResponseMessage response = ErrorResponse(HttpStatusCode.Unauthorized, "401204");
            response.Headers.Date = s_start.AddMinutes(-30);
            return response;
        });
        var sut = CreateSut(handler);

        await sut.GetTokenAsync(false);

        Dictionary<string, string>[] oauth = handler.Requests.Select(r => r.OAuthParameters()).ToArray();
        oauth.Length.ShouldBe(2);
        oauth[1]["oauth_nonce"].ShouldNotBe(oauth[0]["oauth_nonce"]);
        oauth[1]["oauth_signature"].ShouldNotBe(oauth[0]["oauth_signature"]);
    }

    [Fact]
    public async Task GetTokenAsync_FirstAttemptHangs_TimesOutAndRetriesAfterBackoff()
    {
        using var time = new TimerWatchingTimeProvider(s_start);
        var handler = new FirstRequestHangsHandler(TokenResponse("second-attempt"));
        var sut = new HereTokenSource(
            new HereCredentials("key-id", Secret), new HttpClient(handler), new HereTokenSourceOptions { RequestTimeout = TimeSpan.FromSeconds(20) }, time);

        Task<AccessToken> pending = sut.GetTokenAsync(false);
        await time.WaitForTimerAsync(TimeSpan.FromSeconds(20));
        time.Advance(TimeSpan.FromSeconds(20));
        await time.WaitForTimerAsync(TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(1));
        AccessToken token = await pending;

        token.Value.ShouldBe("second-attempt");
        handler.Count.ShouldBe(2);
    }

    [Fact]
    public async Task GetTokenAsync_TokenBodyBeyondCap_ThrowsInvalidTokenResponseAndStopsReading()
    {
        var body = new EndlessBody();
        var handler = new FakeHttpHandler((_, _) => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(body) });
        var sut = CreateSut(handler);

        var ex = await Should.ThrowAsync<PartUploadException>(() => sut.GetTokenAsync(false));

        ex.ErrorCode.ShouldBe("InvalidTokenResponse");
        body.BytesRead.ShouldBeInRange(1024 * 1024, (1024 * 1024) + (16 * 1024));
        handler.Count.ShouldBe(1);
    }

    /// <summary>Hangs on the first request until it is cancelled; answers the others.</summary>
    private sealed class FirstRequestHangsHandler(HttpResponseMessage answer) : HttpMessageHandler
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _count) == 1)
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            }

            return answer;
        }
    }

    /// <summary>A response body of unknown length that never ends, counting what was read.</summary>
    private sealed class EndlessBody : Stream
    {
        public long BytesRead { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }

        public override int Read(byte[] buffer, int offset, int count)
        {
            buffer.AsSpan(offset, count).Fill((byte)'{');
            BytesRead += count;
            return count;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
