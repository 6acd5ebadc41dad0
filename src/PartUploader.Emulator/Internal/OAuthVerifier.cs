using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PartUploader.Emulator.Internal;

/// <summary>The result of checking a signed token request: 0 when valid, else a HERE account error code.</summary>
internal readonly record struct OAuthCheck(int ErrorCode, string Message)
{
    public static OAuthCheck Valid => new(0, string.Empty);

    public bool IsValid => ErrorCode == 0;
}

/// <summary>Verifies OAuth 1.0a HMAC-SHA256 signed token requests as spec section 8 describes.</summary>
internal sealed class OAuthVerifier
{
    public const int SignatureMismatch = 401300;
    public const int TimestampOutsideWindow = 401204;
    public const int NonceReused = 401207;

    private readonly string _accessKeyId;
    private readonly string _accessKeySecret;
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _nonces = new(StringComparer.Ordinal);

    public OAuthVerifier(string accessKeyId, string accessKeySecret, TimeProvider timeProvider)
    {
        _accessKeyId = accessKeyId;
        _accessKeySecret = accessKeySecret;
        _timeProvider = timeProvider;
    }

    /// <summary>Percent-encodes as RFC 5849 section 3.6 (unreserved characters kept, UTF-8, upper-case hex).</summary>
    public static string PercentEncode(string value)
    {
        StringBuilder builder = new(value.Length * 2);
        foreach (byte b in Encoding.UTF8.GetBytes(value))
        {
            char c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    /// <summary>Builds the signature base string.</summary>
    public static string BuildBaseString(string method, string baseUrl, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        string normalized = string.Join('&', parameters
            .Select(p => (Key: PercentEncode(p.Key), Value: PercentEncode(p.Value)))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => p.Key + "=" + p.Value));
        return method.ToUpperInvariant() + "&" + PercentEncode(baseUrl) + "&" + PercentEncode(normalized);
    }

    /// <summary>Computes the base64 HMAC-SHA256 signature with key <c>secret&amp;</c>.</summary>
    public static string Sign(string baseString, string keySecretPart) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(keySecretPart + "&"), Encoding.UTF8.GetBytes(baseString)));

    /// <summary>Parses <c>OAuth k="v", ...</c>; values are percent-decoded. Null when malformed.</summary>
    public static Dictionary<string, string>? ParseHeader(string? header)
    {
        if (header is null || !header.StartsWith("OAuth ", StringComparison.OrdinalIgnoreCase) || header.Length > 4096)
        {
            return null;
        }

        Dictionary<string, string> result = new(StringComparer.Ordinal);
        foreach (string rawPart in header[6..].Split(','))
        {
            string part = rawPart.Trim();
            if (part.Length == 0)
            {
                continue;
            }

            int equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                return null;
            }

            string key = part[..equals].Trim();
            string value = part[(equals + 1)..].Trim();
            if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
            {
                value = value[1..^1];
            }

            try
            {
                result[Uri.UnescapeDataString(key)] = Uri.UnescapeDataString(value);
            }
            catch (UriFormatException)
            {
                return null;
            }
        }

        return result;
    }

    /// <summary>Checks a request: consumer key and signature, then timestamp, then nonce (recorded only when all else passed).</summary>
    /// <param name="header">The Authorization header.</param>
    /// <param name="baseUrls">The candidate base URLs (request URL without query) to sign.</param>
    /// <param name="extraParameterSets">Query and body parameter sets to try (each a complete set besides the oauth ones).</param>
    public OAuthCheck Verify(string? header, IReadOnlyList<string> baseUrls, IReadOnlyList<IReadOnlyList<KeyValuePair<string, string>>> extraParameterSets)
    {
        Dictionary<string, string>? oauth = ParseHeader(header);
        if (oauth is null
            || !oauth.TryGetValue("oauth_consumer_key", out string? consumerKey)
            || !oauth.TryGetValue("oauth_signature", out string? signature)
            || !oauth.TryGetValue("oauth_nonce", out string? nonce)
            || !oauth.TryGetValue("oauth_timestamp", out string? timestampText)
            || !oauth.TryGetValue("oauth_signature_method", out string? method))
        {
            return new OAuthCheck(SignatureMismatch, "Invalid Client Authorization header, expecting signed request format.");
        }

        if (!string.Equals(consumerKey, _accessKeyId, StringComparison.Ordinal))
        {
            return new OAuthCheck(SignatureMismatch, "Invalid client credentials.");
        }

        if (!string.Equals(method, "HMAC-SHA256", StringComparison.Ordinal)
            || (oauth.TryGetValue("oauth_version", out string? version) && !string.Equals(version, "1.0", StringComparison.Ordinal)))
        {
            return new OAuthCheck(SignatureMismatch, "Unsupported signature method or version.");
        }

        List<KeyValuePair<string, string>> oauthParameters = [.. oauth.Where(p => p.Key != "oauth_signature" && p.Key != "realm")];
        byte[] given;
        try
        {
            given = Convert.FromBase64String(signature);
        }
        catch (FormatException)
        {
            return new OAuthCheck(SignatureMismatch, "Signature mismatch. Authorization signature or client credential is wrong.");
        }

        if (!AnySignatureMatches(given, baseUrls, oauthParameters, extraParameterSets))
        {
            return new OAuthCheck(SignatureMismatch, "Signature mismatch. Authorization signature or client credential is wrong.");
        }

        DateTimeOffset now = _timeProvider.GetUtcNow();
        if (!long.TryParse(timestampText, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds)
            || seconds > 253_402_300_799
            || (DateTimeOffset.FromUnixTimeSeconds(seconds) - now).Duration() > ServiceLimits.OAuthTimestampWindow)
        {
            return new OAuthCheck(TimestampOutsideWindow, "Time stamp is outside the valid period.");
        }

        PruneNonces(now);
        if (!_nonces.TryAdd(consumerKey + "\n" + nonce, now + ServiceLimits.OAuthTimestampWindow + ServiceLimits.OAuthTimestampWindow))
        {
            return new OAuthCheck(NonceReused, "Replay attack detected: the nonce was already used.");
        }

        return OAuthCheck.Valid;
    }

    private bool AnySignatureMatches(byte[] given, IReadOnlyList<string> baseUrls, List<KeyValuePair<string, string>> oauthParameters, IReadOnlyList<IReadOnlyList<KeyValuePair<string, string>>> extraParameterSets)
    {
        string[] keys = [_accessKeySecret, PercentEncode(_accessKeySecret)];
        foreach (string baseUrl in baseUrls)
        {
            foreach (IReadOnlyList<KeyValuePair<string, string>> extra in extraParameterSets)
            {
                string baseString = BuildBaseString("POST", baseUrl, oauthParameters.Concat(extra));
                foreach (string key in keys.Distinct(StringComparer.Ordinal))
                {
                    byte[] expected = Convert.FromBase64String(Sign(baseString, key));
                    if (CryptographicOperations.FixedTimeEquals(expected, given))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private void PruneNonces(DateTimeOffset now)
    {
        if (_nonces.Count < 10_000)
        {
            return;
        }

        foreach (KeyValuePair<string, DateTimeOffset> pair in _nonces)
        {
            if (pair.Value <= now)
            {
                _nonces.TryRemove(pair.Key, out _);
            }
        }
    }
}
