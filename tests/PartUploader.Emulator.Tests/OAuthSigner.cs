using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PartUploader.Emulator.Tests;

/// <summary>The test's own OAuth 1.0a HMAC-SHA256 signer, written from spec section 8 (independent of the emulator's code).</summary>
public static class OAuthSigner
{
    public static string Encode(string value)
    {
        StringBuilder builder = new();
        foreach (byte b in Encoding.UTF8.GetBytes(value))
        {
            char c = (char)b;
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' ? c.ToString() : "%" + b.ToString("X2", CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }

    public static string BaseString(string url, IEnumerable<KeyValuePair<string, string>> parameters) =>
        "POST&" + Encode(url) + "&" + Encode(string.Join('&', parameters.Select(p => Encode(p.Key) + "=" + Encode(p.Value)).Order(StringComparer.Ordinal)));

    public static string Signature(string baseString, string secret) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret + "&"), Encoding.UTF8.GetBytes(baseString)));

    /// <summary>Builds the Authorization header for a token request.</summary>
    public static string Header(string keyId, string secret, string url, string nonce, long timestamp, bool formBody, IEnumerable<KeyValuePair<string, string>>? query = null)
    {
        List<KeyValuePair<string, string>> oauth =
        [
            new("oauth_consumer_key", keyId),
            new("oauth_nonce", nonce),
            new("oauth_signature_method", "HMAC-SHA256"),
            new("oauth_timestamp", timestamp.ToString(CultureInfo.InvariantCulture)),
            new("oauth_version", "1.0"),
        ];
        List<KeyValuePair<string, string>> all = [.. oauth, .. query ?? []];
        if (formBody)
        {
            all.Add(new("grant_type", "client_credentials"));
        }

        string signature = Signature(BaseString(url, all), secret);
        return "OAuth " + string.Join(",", oauth.Append(new("oauth_signature", signature)).Select(p => $"{p.Key}=\"{Encode(p.Value)}\""));
    }
}
