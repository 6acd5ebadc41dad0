using System.Net;

namespace PartUploader.Tests.Auth;

/// <summary>
/// A token is sent as it is in an <c>Authorization</c> header: a line break in it would end that header and start one of
/// the token's making (with the emulator, a token ending in CR LF "X-Evil: 1" was accepted and uploaded before this check).
/// </summary>
public class AccessTokenTests
{
    private const string Secret = "s3cr3t-part";

    [Theory]
    [InlineData(Secret + "\r\nX-Evil: 1")]
    [InlineData(Secret + "\n")]
    [InlineData(Secret + "\r")]
    [InlineData("Bearer " + Secret)]
    [InlineData(Secret + "\t")]
    [InlineData(Secret + "\u007F")]
    [InlineData(Secret + "\0")]
    [InlineData(Secret + "é")]
    public void Constructor_ACharacterAHeaderCannotCarry_RefusedWithoutShowingTheToken(string value)
    {
        ArgumentException error = Should.Throw<ArgumentException>(() => new AccessToken(value, DateTimeOffset.MaxValue));

        error.ParamName.ShouldBe("value");
        error.Message.ShouldNotContain(Secret);
    }

    [Fact]
    public void FromToken_ALineBreak_RefusedBeforeAnyRequest()
    {
        Should.Throw<ArgumentException>(() => AccessTokenSource.FromToken(Secret + "\r\nX-Evil: 1"));
    }

    [Theory]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln-_~+/=")]
    [InlineData("!")]
    [InlineData("~")]
    public void Constructor_VisibleAscii_Accepted(string value)
    {
        new AccessToken(value, DateTimeOffset.MaxValue).Value.ShouldBe(value);
    }

    [Fact]
    public async Task HereTokenSource_ATokenWithALineBreak_IsAnUnusableTokenAnswer()
    {
        var handler = new FakeHttpHandler((_, _) => FakeHttpHandler.Json(
            HttpStatusCode.OK, $$"""{"accessToken":"{{Secret}}\r\nX-Evil: 1","tokenType":"bearer","expiresIn":3600}"""));
        var source = new HereTokenSource(
            new HereCredentials("key-id", "key-secret") { TokenEndpointUrl = new Uri("https://account.example.test/oauth2/token") },
            new HttpClient(handler),
            options: null,
            TimeProvider.System,
            new CapturingLogger());

        PartUploadException error = await Should.ThrowAsync<PartUploadException>(() => source.GetTokenAsync(false));

        error.ErrorCode.ShouldBe(PartUploadErrorCodes.InvalidTokenResponse);
        error.Message.ShouldNotContain(Secret);
    }
}
