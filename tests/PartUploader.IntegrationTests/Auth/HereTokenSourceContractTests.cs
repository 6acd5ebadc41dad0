using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace PartUploader.IntegrationTests.Auth;

/// <summary>Starts one WireMock server on 127.0.0.1 with an OS-assigned port for the class.</summary>
public sealed class TokenServerFixture : IDisposable
{
    public TokenServerFixture()
    {
        // Port 0: the OS assigns the port as the server binds it (no probe-then-bind race); Urls/Port report it.
        Server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
    }

    public WireMockServer Server { get; }

    public void Dispose() => Server.Stop();
}

/// <summary>The token request on the wire (spec section 8), seen by a WireMock stand-in of the account service.</summary>
public sealed class HereTokenSourceContractTests : IClassFixture<TokenServerFixture>, IDisposable
{
    private const string KeyId = "wire-key-id";
    private const string Secret = "wire-secret-0123456789";

    private readonly WireMockServer _server;
    private readonly HttpClient _httpClient = new();

    public HereTokenSourceContractTests(TokenServerFixture fixture)
    {
        _server = fixture.Server;
        _server.Reset();
    }

    public void Dispose() => _httpClient.Dispose();

    private Uri TokenUrl(string query = "") => new($"{_server.Url}/oauth2/token{query}");

    private HereTokenSource CreateSut(HereTokenRequestFormat format = HereTokenRequestFormat.Json, string query = "", TimeProvider? time = null) =>
        new(
            new HereCredentials(KeyId, Secret) { TokenEndpointUrl = TokenUrl(query) },
            _httpClient,
            new HereTokenSourceOptions { RequestFormat = format, RetryDelay = TimeSpan.Zero },
            time);

    private void StubToken(string json) =>
        _server.Given(Request.Create().WithPath("/oauth2/token").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(json));

    private static Dictionary<string, string> OAuthParameters(ILogEntry entry)
    {
        string header = entry.RequestMessage.Headers!["Authorization"].Single();
        header.ShouldStartWith("OAuth ");
        return header["OAuth ".Length..].Split(',')
            .Select(p => p.Trim().Split('=', 2))
            .ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1].Trim('"')));
    }

    // What a server does (spec section 8): rebuild the base string from the request it received and compare.
    private static string ServerSideSignature(ILogEntry entry, Uri url, IEnumerable<KeyValuePair<string, string>> extra)
    {
        static string Pct(string s) => Uri.EscapeDataString(s);
        Dictionary<string, string> oauth = OAuthParameters(entry);
        IEnumerable<string> pairs = oauth.Where(p => p.Key != "oauth_signature")
            .Concat(extra)
            .Select(p => Pct(p.Key) + "=" + Pct(p.Value))
            .Order(StringComparer.Ordinal);
        string baseUrl = url.GetLeftPart(UriPartial.Path);
        string baseString = "POST&" + Pct(baseUrl) + "&" + Pct(string.Join('&', pairs));
        return Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret + "&"), Encoding.UTF8.GetBytes(baseString)));
    }

    [Fact]
    public async Task GetTokenAsync_JsonFormat_SendsSignedJsonRequest()
    {
        StubToken("""{"accessToken":"wire-token","tokenType":"bearer","expiresIn":3600}""");
        var sut = CreateSut();

        AccessToken token = await sut.GetTokenAsync(false);

        token.Value.ShouldBe("wire-token");
        ILogEntry entry = _server.LogEntries.Single();
        entry.RequestMessage.Headers!["Content-Type"].Single().ShouldStartWith("application/json");
        entry.RequestMessage.Body.ShouldBe("""{"grantType":"client_credentials","expiresIn":3600}""");
        Dictionary<string, string> oauth = OAuthParameters(entry);
        oauth["oauth_consumer_key"].ShouldBe(KeyId);
        oauth["oauth_signature_method"].ShouldBe("HMAC-SHA256");
        oauth["oauth_version"].ShouldBe("1.0");
        oauth["oauth_signature"].ShouldBe(ServerSideSignature(entry, TokenUrl(), []));
    }

    [Fact]
    public async Task GetTokenAsync_FormFormat_SendsSignedFormRequest()
    {
        StubToken("""{"access_token":"wire-form-token","token_type":"bearer","expires_in":3600}""");
        var sut = CreateSut(HereTokenRequestFormat.Form);

        AccessToken token = await sut.GetTokenAsync(false);

        token.Value.ShouldBe("wire-form-token");
        ILogEntry entry = _server.LogEntries.Single();
        entry.RequestMessage.Headers!["Content-Type"].Single().ShouldStartWith("application/x-www-form-urlencoded");
        entry.RequestMessage.Body.ShouldBe("grant_type=client_credentials");
        OAuthParameters(entry)["oauth_signature"].ShouldBe(ServerSideSignature(entry, TokenUrl(), [new("grant_type", "client_credentials")]));
    }

    [Fact]
    public async Task GetTokenAsync_EndpointWithQuery_SignsQueryParameter()
    {
        StubToken("""{"accessToken":"wire-token","tokenType":"bearer","expiresIn":3600}""");
        var sut = CreateSut(query: "?sentWith=partuploader");

        await sut.GetTokenAsync(false);

        ILogEntry entry = _server.LogEntries.Single();
        entry.RequestMessage.Query!["sentWith"].Single().ShouldBe("partuploader");
        OAuthParameters(entry)["oauth_signature"].ShouldBe(ServerSideSignature(entry, TokenUrl(), [new("sentWith", "partuploader")]));
    }

    [Fact]
    public async Task GetTokenAsync_TwoRequests_UseDifferentNonces()
    {
        StubToken("""{"accessToken":"wire-token","tokenType":"bearer","expiresIn":3600}""");
        var sut = CreateSut();

        await sut.GetTokenAsync(true);
        await sut.GetTokenAsync(true);

        _server.LogEntries.Select(e => OAuthParameters(e)["oauth_nonce"]).Distinct().Count().ShouldBe(2);
    }

    [Fact]
    public async Task GetTokenAsync_SignatureMismatch_ThrowsWithServiceErrorCode()
    {
        _server.Given(Request.Create().WithPath("/oauth2/token").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(401).WithHeader("Content-Type", "application/json")
                .WithBody("""{"errorId":"ERROR-1","httpStatus":401,"errorCode":401300,"message":"Signature mismatch. Authorization signature or client credential is wrong."}"""));
        var sut = CreateSut();

        var ex = await Should.ThrowAsync<PartUploadAuthenticationException>(() => sut.GetTokenAsync(false));

        ex.Status.ShouldBe(401);
        ex.ErrorCode.ShouldBe("401300");
        ex.ToString().ShouldNotContain(Secret);
        _server.LogEntries.Count.ShouldBe(1);
    }

    [Fact]
    public async Task GetTokenAsync_ClockSkewed_ResignsWithServerDate()
    {
        // The server's Date header is its real clock; the client's clock runs an hour behind.
        DateTimeOffset realNow = DateTimeOffset.UtcNow;
        var skewedClock = new FakeTimeProvider(realNow.AddHours(-1));
        _server.Given(Request.Create().WithPath("/oauth2/token").UsingPost())
            .InScenario("skew").WillSetStateTo("resigned")
            .RespondWith(Response.Create().WithStatusCode(401).WithHeader("Content-Type", "application/json")
                .WithBody("""{"errorId":"ERROR-2","httpStatus":401,"errorCode":401204,"message":"Time stamp is outside the valid period."}"""));
        _server.Given(Request.Create().WithPath("/oauth2/token").UsingPost())
            .InScenario("skew").WhenStateIs("resigned")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"accessToken":"after-skew","tokenType":"bearer","expiresIn":3600}"""));
        var sut = CreateSut(time: skewedClock);

        AccessToken token = await sut.GetTokenAsync(false);

        token.Value.ShouldBe("after-skew");
        long[] timestamps = _server.LogEntries.Select(e => long.Parse(OAuthParameters(e)["oauth_timestamp"], CultureInfo.InvariantCulture)).ToArray();
        timestamps.Length.ShouldBe(2);
        Math.Abs(timestamps[0] - realNow.ToUnixTimeSeconds()).ShouldBeGreaterThan(3500);
        Math.Abs(timestamps[1] - realNow.ToUnixTimeSeconds()).ShouldBeLessThan(120);
    }
}
