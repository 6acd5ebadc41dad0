using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PartUploader.Internal.Auth;

/// <summary>
/// Signs a token request with OAuth 1.0a HMAC-SHA256 exactly as spec section 8 describes
/// (and as the HERE SDKs do: the key is the secret as is, followed by <c>&amp;</c>).
/// </summary>
internal static class OAuth1Signer
{
    public const string SignatureMethod = "HMAC-SHA256";
    public const string Version = "1.0";

    /// <summary>Builds the value of the <c>Authorization</c> header (scheme <c>OAuth</c> included).</summary>
    /// <param name="method">The HTTP method, <c>POST</c> for token requests.</param>
    /// <param name="url">The request URL; its query parameters are signed.</param>
    /// <param name="formParameters">The parameters of a form body (none for a JSON body).</param>
    /// <param name="consumerKey">The access key id.</param>
    /// <param name="consumerSecret">The access key secret.</param>
    /// <param name="nonce">A fresh, single-use nonce.</param>
    /// <param name="timestamp">Seconds since the Unix epoch.</param>
    public static string CreateAuthorizationHeader(
        string method,
        Uri url,
        IReadOnlyList<KeyValuePair<string, string>> formParameters,
        string consumerKey,
        string consumerSecret,
        string nonce,
        long timestamp)
    {
        List<KeyValuePair<string, string>> oauth = OAuthParameters(consumerKey, nonce, timestamp);
        string baseString = BuildSignatureBaseString(method, url, oauth, formParameters);
        string signature = Sign(baseString, consumerSecret);

        var header = new StringBuilder("OAuth ");
        foreach (KeyValuePair<string, string> p in oauth)
        {
            header.Append(PercentEncode(p.Key)).Append("=\"").Append(PercentEncode(p.Value)).Append("\",");
        }

        header.Append("oauth_signature=\"").Append(PercentEncode(signature)).Append('"');
        return header.ToString();
    }

    /// <summary>The oauth_* parameters without the signature, in the order they are sent.</summary>
    public static List<KeyValuePair<string, string>> OAuthParameters(string consumerKey, string nonce, long timestamp) =>
    [
        new("oauth_consumer_key", consumerKey),
        new("oauth_nonce", nonce),
        new("oauth_signature_method", SignatureMethod),
        new("oauth_timestamp", timestamp.ToString(CultureInfo.InvariantCulture)),
        new("oauth_version", Version),
    ];

    /// <summary>
    /// <c>METHOD&amp;pct(url without query)&amp;pct(sorted k=v pairs)</c>, the pairs being the oauth
    /// parameters, the query parameters and the form parameters, each key and value percent-encoded.
    /// </summary>
    public static string BuildSignatureBaseString(
        string method,
        Uri url,
        IEnumerable<KeyValuePair<string, string>> oauthParameters,
        IEnumerable<KeyValuePair<string, string>> formParameters)
    {
        var pairs = new List<(string Key, string Value)>();
        foreach (KeyValuePair<string, string> p in oauthParameters.Concat(ParseQuery(url.Query)).Concat(formParameters))
        {
            pairs.Add((PercentEncode(p.Key), PercentEncode(p.Value)));
        }

        pairs.Sort(static (a, b) =>
        {
            int byKey = string.CompareOrdinal(a.Key, b.Key);
            return byKey != 0 ? byKey : string.CompareOrdinal(a.Value, b.Value);
        });

        string parameterString = string.Join('&', pairs.Select(static p => p.Key + "=" + p.Value));
        string baseUrl = url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
        return method.ToUpperInvariant() + "&" + PercentEncode(baseUrl) + "&" + PercentEncode(parameterString);
    }

    /// <summary>HMAC-SHA256 of the base string with the key <c>secret&amp;</c>, base64.</summary>
    public static string Sign(string baseString, string consumerSecret)
    {
        byte[] key = Encoding.UTF8.GetBytes(consumerSecret + "&");
        byte[] mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(baseString));
        return Convert.ToBase64String(mac);
    }

    /// <summary>RFC 3986 percent-encoding: every byte of the UTF-8 form except the unreserved characters, upper-case hex.</summary>
    public static string PercentEncode(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (byte b in Encoding.UTF8.GetBytes(value))
        {
            if (b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9')
                or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~')
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    /// <summary>Splits and decodes a query string (<c>+</c> is a space, as in form encoding).</summary>
    public static IEnumerable<KeyValuePair<string, string>> ParseQuery(string query)
    {
        if (string.IsNullOrEmpty(query))
        {
            yield break;
        }

        foreach (string part in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            string key = eq < 0 ? part : part[..eq];
            string value = eq < 0 ? string.Empty : part[(eq + 1)..];
            yield return new(Decode(key), Decode(value));
        }

        static string Decode(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));
    }
}
