using System.Text.Json;
using System.Text.Json.Serialization;

namespace PartUploader.Internal.Auth;

/// <summary>JSON body of a token request (spec section 8).</summary>
internal sealed class TokenRequestBody
{
    [JsonPropertyName("grantType")]
    public string GrantType { get; set; } = AuthDefaults.GrantType;

    [JsonPropertyName("expiresIn")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? ExpiresIn { get; set; }
}

/// <summary>A token response in either shape: JSON (<c>accessToken</c>) or form (<c>access_token</c>).</summary>
internal sealed class TokenResponseBody
{
    [JsonPropertyName("accessToken")]
    public string? AccessToken { get; set; }

    [JsonPropertyName("access_token")]
    public string? AccessTokenSnake { get; set; }

    [JsonPropertyName("tokenType")]
    public string? TokenType { get; set; }

    [JsonPropertyName("token_type")]
    public string? TokenTypeSnake { get; set; }

    [JsonPropertyName("expiresIn")]
    public long? ExpiresIn { get; set; }

    [JsonPropertyName("expires_in")]
    public long? ExpiresInSnake { get; set; }
}

/// <summary>An account-service error body <c>{"errorId","httpStatus","errorCode","message"}</c>.</summary>
internal sealed class TokenErrorBody
{
    [JsonPropertyName("errorId")]
    public string? ErrorId { get; set; }

    [JsonPropertyName("errorCode")]
    public JsonElement ErrorCode { get; set; }
}

/// <summary>One entry of a lookup response array.</summary>
internal sealed class LookupApiEntry
{
    [JsonPropertyName("api")]
    public string? Api { get; set; }

    [JsonPropertyName("version")]
    public string? Version { get; set; }

    [JsonPropertyName("baseURL")]
    public string? BaseUrl { get; set; }
}

/// <summary>A lookup error body <c>{"code","message","description"}</c>.</summary>
internal sealed class LookupErrorBody
{
    [JsonPropertyName("code")]
    public JsonElement Code { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }
}

[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(TokenRequestBody))]
[JsonSerializable(typeof(TokenResponseBody))]
[JsonSerializable(typeof(TokenErrorBody))]
[JsonSerializable(typeof(List<LookupApiEntry>))]
[JsonSerializable(typeof(LookupErrorBody))]
internal sealed partial class AuthJsonContext : JsonSerializerContext
{
    /// <summary>The text of a code that may be a JSON number or string; null otherwise.</summary>
    public static string? CodeText(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.GetRawText(),
        _ => null,
    };
}
