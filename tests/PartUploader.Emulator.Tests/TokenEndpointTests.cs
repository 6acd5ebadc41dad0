using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace PartUploader.Emulator.Tests;

public sealed class TokenEndpointTests : IAsyncLifetime, IDisposable
{
    private const string KeyId = "AKID1234567890";
    private const string Secret = "s3cr3t-Secret_value";
    private static readonly DateTimeOffset s_now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
    private readonly FakeTimeProvider _clock = new(s_now);
    private readonly HttpClient _http = new();
    private BlobEmulator _sut = null!;
    private int _nonce;

    public async Task InitializeAsync() =>
        _sut = await BlobEmulator.StartAsync(new BlobEmulatorOptions { AccessKeyId = KeyId, AccessKeySecret = Secret, TimeProvider = _clock });

    public async Task DisposeAsync() => await _sut.DisposeAsync();

    public void Dispose() => _http.Dispose();

    [Fact]
    public void Signature_KnownVector_MatchesValueComputedFromSpecAlgorithm()
    {
        string header = OAuthSigner.Header(KeyId, Secret, "https://account.api.here.com/oauth2/token", "kllo9940pd9333jh", 1_700_000_000, formBody: true);

        OAuthSigner.BaseString("https://account.api.here.com/oauth2/token", [new("grant_type", "client_credentials"), new("oauth_consumer_key", KeyId), new("oauth_nonce", "kllo9940pd9333jh"), new("oauth_signature_method", "HMAC-SHA256"), new("oauth_timestamp", "1700000000"), new("oauth_version", "1.0")])
            .ShouldBe("POST&https%3A%2F%2Faccount.api.here.com%2Foauth2%2Ftoken&grant_type%3Dclient_credentials%26oauth_consumer_key%3DAKID1234567890%26oauth_nonce%3Dkllo9940pd9333jh%26oauth_signature_method%3DHMAC-SHA256%26oauth_timestamp%3D1700000000%26oauth_version%3D1.0");
        header.ShouldContain("oauth_signature=\"" + OAuthSigner.Encode("6KjnysUucbR82v2GUIhL9g+afT1S0zqXTZ4cdd73iKI=") + "\"");
    }

    [Fact]
    public void EmulatorSigner_KnownVector_MatchesSameValue()
    {
        string baseString = Internal.OAuthVerifier.BuildBaseString("POST", "https://account.api.here.com/oauth2/token", [new("grant_type", "client_credentials"), new("oauth_consumer_key", KeyId), new("oauth_nonce", "kllo9940pd9333jh"), new("oauth_signature_method", "HMAC-SHA256"), new("oauth_timestamp", "1700000000"), new("oauth_version", "1.0")]);

        Internal.OAuthVerifier.Sign(baseString, Secret).ShouldBe("6KjnysUucbR82v2GUIhL9g+afT1S0zqXTZ4cdd73iKI=");
    }

    [Fact]
    public async Task Token_SignedFormRequest_ReturnsSnakeCaseToken()
    {
        using HttpResponseMessage response = await SendAsync(form: true);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        JsonNode body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        body["token_type"]!.GetValue<string>().ShouldBe("bearer");
        body["expires_in"]!.GetValue<long>().ShouldBe(3600);
        body["access_token"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task Token_SignedJsonRequest_ReturnsCamelCaseTokenUsableOnBlobApi()
    {
        using HttpResponseMessage response = await SendAsync(form: false);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        JsonNode body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        body["tokenType"]!.GetValue<string>().ShouldBe("bearer");
        body["expiresIn"]!.GetValue<long>().ShouldBe(3600);
        using BlobApi api = new(_sut, body["accessToken"]!.GetValue<string>());
        using HttpResponseMessage start = await api.StartRawAsync(BlobApi.NewHandle(), """{"contentType":"application/octet-stream"}""");
        start.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Token_Always_SendsDateHeaderFromTimeProvider()
    {
        using HttpResponseMessage response = await SendAsync(form: true);

        response.Headers.Date.ShouldBe(s_now);
    }

    [Fact]
    public async Task Token_SecretPercentEncodedAsRfc5849_IsAccepted()
    {
        const string secretWithReserved = "a+b/c=d";
        await using BlobEmulator sut = await BlobEmulator.StartAsync(new BlobEmulatorOptions { AccessKeyId = KeyId, AccessKeySecret = secretWithReserved, TimeProvider = _clock });

        using HttpResponseMessage asIs = await SendAsync(form: true, sut, secret: secretWithReserved);
        using HttpResponseMessage encoded = await SendAsync(form: true, sut, secret: OAuthSigner.Encode(secretWithReserved));

        asIs.StatusCode.ShouldBe(HttpStatusCode.OK);
        encoded.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Token_QueryParameterSigned_IsAccepted()
    {
        using HttpResponseMessage response = await SendAsync(form: true, query: "sentWith=test-1.0");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Token_WrongSecret_Returns401300()
    {
        using HttpResponseMessage response = await SendAsync(form: true, secret: "wrong");

        await ShouldBeAccountErrorAsync(response, 401300);
    }

    [Fact]
    public async Task Token_UnknownConsumerKey_Returns401300()
    {
        using HttpResponseMessage response = await SendAsync(form: true, keyId: "OTHER");

        await ShouldBeAccountErrorAsync(response, 401300);
    }

    [Fact]
    public async Task Token_NonceReused_Returns401207()
    {
        using HttpResponseMessage first = await SendAsync(form: true, nonce: "same-nonce");
        using HttpResponseMessage second = await SendAsync(form: true, nonce: "same-nonce");

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        await ShouldBeAccountErrorAsync(second, 401207);
    }

    [Theory]
    [InlineData(-601)]
    [InlineData(601)]
    public async Task Token_TimestampOutsideWindow_Returns401204(int offsetSeconds)
    {
        using HttpResponseMessage response = await SendAsync(form: true, timestamp: s_now.ToUnixTimeSeconds() + offsetSeconds);

        await ShouldBeAccountErrorAsync(response, 401204);
    }

    [Fact]
    public async Task Token_TimestampWithinWindow_IsAccepted()
    {
        using HttpResponseMessage response = await SendAsync(form: true, timestamp: s_now.ToUnixTimeSeconds() - 599);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Token_NoAuthorizationHeader_Returns401()
    {
        using StringContent content = new("grant_type=client_credentials", Encoding.UTF8, "application/x-www-form-urlencoded");
        using HttpResponseMessage response = await _http.PostAsync(_sut.TokenUrl, content);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Token_JsonWhenOnlyFormAccepted_Returns400()
    {
        _sut.Options.TokenBodyFormats = TokenBodyFormats.Form;

        using HttpResponseMessage json = await SendAsync(form: false);
        using HttpResponseMessage form = await SendAsync(form: true);

        json.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        form.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Token_FormWhenOnlyJsonAccepted_Returns400()
    {
        _sut.Options.TokenBodyFormats = TokenBodyFormats.Json;

        using HttpResponseMessage form = await SendAsync(form: true);
        using HttpResponseMessage json = await SendAsync(form: false);

        form.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        json.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Token_ExpiresAfterLifetime_Answers401()
    {
        using HttpResponseMessage response = await SendAsync(form: true);
        string token = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["access_token"]!.GetValue<string>();
        using BlobApi api = new(_sut, token);

        _clock.Advance(TimeSpan.FromHours(1));
        using HttpResponseMessage start = await api.StartRawAsync(BlobApi.NewHandle(), """{"contentType":"application/octet-stream"}""");

        start.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ExpireAccessTokens_IssuedToken_Answers401()
    {
        using BlobApi api = new(_sut);
        _sut.ExpireAccessTokens();

        using HttpResponseMessage start = await api.StartRawAsync(BlobApi.NewHandle(), """{"contentType":"application/octet-stream"}""");

        start.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public void Credentials_ToString_NeverPrintsSecret()
    {
        _sut.Credentials.ToString().ShouldNotContain(Secret);
        _sut.Credentials.ToString().ShouldContain(KeyId);
    }

    [Fact]
    public void WriteCredentialsFile_Always_WritesHerePropertiesFormat()
    {
        string path = _sut.WriteCredentialsFile(Path.Combine(_sut.DataDirectory, "sub", "credentials.properties"));

        string[] lines = File.ReadAllLines(path);
        lines.ShouldContain($"here.access.key.id = {KeyId}");
        lines.ShouldContain($"here.access.key.secret = {Secret}");
        lines.ShouldContain($"here.token.endpoint.url = {_sut.TokenUrl}");
        lines.ShouldContain(l => l.StartsWith("here.user.id = ", StringComparison.Ordinal));
        lines.ShouldContain(l => l.StartsWith("here.client.id = ", StringComparison.Ordinal));
    }

    private static async Task ShouldBeAccountErrorAsync(HttpResponseMessage response, int errorCode)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        JsonNode body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        body["errorCode"]!.GetValue<int>().ShouldBe(errorCode);
        body["httpStatus"]!.GetValue<int>().ShouldBe(401);
        body["errorId"].ShouldNotBeNull();
        body["message"].ShouldNotBeNull();
    }

    private async Task<HttpResponseMessage> SendAsync(bool form, BlobEmulator? sut = null, string keyId = KeyId, string secret = Secret, string? nonce = null, long? timestamp = null, string? query = null)
    {
        sut ??= _sut;
        string url = sut.TokenUrl.ToString();
        List<KeyValuePair<string, string>> queryPairs = query is null ? [] : [.. query.Split('&').Select(p => p.Split('=')).Select(p => new KeyValuePair<string, string>(p[0], p[1]))];
        string header = OAuthSigner.Header(keyId, secret, url, nonce ?? $"n{Interlocked.Increment(ref _nonce)}x", timestamp ?? s_now.ToUnixTimeSeconds(), form, queryPairs);
        using HttpRequestMessage request = new(HttpMethod.Post, query is null ? url : url + "?" + query)
        {
            Content = form
                ? new StringContent("grant_type=client_credentials", Encoding.UTF8, "application/x-www-form-urlencoded")
                : new StringContent("""{"grantType":"client_credentials","expiresIn":3600}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", header);
        return await _http.SendAsync(request);
    }
}
