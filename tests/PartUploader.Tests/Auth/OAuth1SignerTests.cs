using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using PartUploader.Internal.Auth;

namespace PartUploader.Tests.Auth;

/// <summary>
/// The token request signature against vectors computed here from spec section 8, independently of the signer:
/// the expected base strings are written out by hand and signed with HMAC-SHA256 under the key <c>secret&amp;</c>.
/// </summary>
public class OAuth1SignerTests
{
    private const string KeyId = "test-key-id";
    private const string Secret = "test-secret_0123";
    private const string Nonce = "fixednonce42";
    private const long Timestamp = 1_700_000_000;

    private static string Expected(string baseString)
    {
        byte[] mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret + "&"), Encoding.UTF8.GetBytes(baseString));
        return Uri.EscapeDataString(Convert.ToBase64String(mac));
    }

    private static async Task<RecordedRequest> SendOneAsync(HereTokenRequestFormat format, string endpoint)
    {
        var handler = new FakeHttpHandler((_, _) => FakeHttpHandler.Json(HttpStatusCode.OK, """{"accessToken":"t","tokenType":"bearer","expiresIn":3600,"access_token":"t","expires_in":3600}"""));
        var credentials = new HereCredentials(KeyId, Secret) { TokenEndpointUrl = new Uri(endpoint) };
        var sut = new HereTokenSource(
            credentials,
            new HttpClient(handler),
            new HereTokenSourceOptions { RequestFormat = format },
            new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(Timestamp)),
            logger: null,
            nonceSource: () => Nonce);
        await sut.GetTokenAsync(false);
        return handler.Requests.Single();
    }

    [Fact]
    public async Task GetTokenAsync_JsonBody_SignatureMatchesSpecVector()
    {
        string baseString =
            "POST&https%3A%2F%2Faccount.example.test%2Foauth2%2Ftoken&" +
            "oauth_consumer_key%3Dtest-key-id%26oauth_nonce%3Dfixednonce42%26oauth_signature_method%3DHMAC-SHA256%26" +
            "oauth_timestamp%3D1700000000%26oauth_version%3D1.0";

        RecordedRequest request = await SendOneAsync(HereTokenRequestFormat.Json, "https://account.example.test/oauth2/token");

        request.OAuthParameters()["oauth_signature"].ShouldBe(Expected(baseString));
    }

    [Fact]
    public async Task GetTokenAsync_FormBody_SignatureIncludesGrantType()
    {
        string baseString =
            "POST&https%3A%2F%2Faccount.example.test%2Foauth2%2Ftoken&" +
            "grant_type%3Dclient_credentials%26" +
            "oauth_consumer_key%3Dtest-key-id%26oauth_nonce%3Dfixednonce42%26oauth_signature_method%3DHMAC-SHA256%26" +
            "oauth_timestamp%3D1700000000%26oauth_version%3D1.0";

        RecordedRequest request = await SendOneAsync(HereTokenRequestFormat.Form, "https://account.example.test/oauth2/token");

        request.OAuthParameters()["oauth_signature"].ShouldBe(Expected(baseString));
    }

    [Fact]
    public async Task GetTokenAsync_JsonBodyWithQuery_SignsQueryParameterAndStripsItFromUrl()
    {
        string baseString =
            "POST&https%3A%2F%2Faccount.example.test%2Foauth2%2Ftoken&" +
            "oauth_consumer_key%3Dtest-key-id%26oauth_nonce%3Dfixednonce42%26oauth_signature_method%3DHMAC-SHA256%26" +
            "oauth_timestamp%3D1700000000%26oauth_version%3D1.0%26sentWith%3Dx";

        RecordedRequest request = await SendOneAsync(HereTokenRequestFormat.Json, "https://account.example.test/oauth2/token?sentWith=x");

        request.OAuthParameters()["oauth_signature"].ShouldBe(Expected(baseString));
    }

    [Fact]
    public async Task GetTokenAsync_FormBodyWithQuery_SignsGrantTypeAndQueryParameterSorted()
    {
        string baseString =
            "POST&https%3A%2F%2Faccount.example.test%3A8443%2Foauth2%2Ftoken&" +
            "grant_type%3Dclient_credentials%26" +
            "oauth_consumer_key%3Dtest-key-id%26oauth_nonce%3Dfixednonce42%26oauth_signature_method%3DHMAC-SHA256%26" +
            "oauth_timestamp%3D1700000000%26oauth_version%3D1.0%26sentWith%3Da%2520b";

        RecordedRequest request = await SendOneAsync(HereTokenRequestFormat.Form, "https://account.example.test:8443/oauth2/token?sentWith=a%20b");

        request.OAuthParameters()["oauth_signature"].ShouldBe(Expected(baseString));
    }

    [Fact]
    public async Task GetTokenAsync_AnyFormat_HeaderCarriesAllOAuthParameters()
    {
        RecordedRequest request = await SendOneAsync(HereTokenRequestFormat.Json, "https://account.example.test/oauth2/token");

        Dictionary<string, string> p = request.OAuthParameters();
        p.Keys.ShouldBe(["oauth_consumer_key", "oauth_nonce", "oauth_signature_method", "oauth_timestamp", "oauth_version", "oauth_signature"], ignoreOrder: true);
        p["oauth_consumer_key"].ShouldBe(KeyId);
        p["oauth_nonce"].ShouldBe(Nonce);
        p["oauth_signature_method"].ShouldBe("HMAC-SHA256");
        p["oauth_timestamp"].ShouldBe("1700000000");
        p["oauth_version"].ShouldBe("1.0");
    }

    [Theory]
    [InlineData("abcXYZ019-._~", "abcXYZ019-._~")]
    [InlineData("a b", "a%20b")]
    [InlineData("a+b=c&d", "a%2Bb%3Dc%26d")]
    [InlineData("*!'()/:", "%2A%21%27%28%29%2F%3A")]
    [InlineData("é€", "%C3%A9%E2%82%AC")]
    public void PercentEncode_Rfc3986_EncodesAllButUnreserved(string value, string expected)
        => OAuth1Signer.PercentEncode(value).ShouldBe(expected);

    [Fact]
    public void BuildSignatureBaseString_ReservedCharactersInKeyAndValues_AreEncodedTwice()
    {
        string baseString = OAuth1Signer.BuildSignatureBaseString(
            "POST",
            new Uri("https://account.example.test/oauth2/token?b=1&a=x%2By"),
            OAuth1Signer.OAuthParameters("id/with space", "n", 1),
            []);

        baseString.ShouldBe(
            "POST&https%3A%2F%2Faccount.example.test%2Foauth2%2Ftoken&" +
            "a%3Dx%252By%26b%3D1%26oauth_consumer_key%3Did%252Fwith%2520space%26oauth_nonce%3Dn%26" +
            "oauth_signature_method%3DHMAC-SHA256%26oauth_timestamp%3D1%26oauth_version%3D1.0");
    }
}
