using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace PartUploader.Emulator.Internal;

/// <summary>The bearer tokens the emulator issued. Thread-safe.</summary>
internal sealed class TokenStore
{
    private readonly ConcurrentDictionary<string, IssuedToken> _tokens = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;

    public TokenStore(TimeProvider timeProvider) => _timeProvider = timeProvider;

    public string Issue(TimeSpan lifetime, string? onlyCatalogHrn)
    {
        DateTimeOffset now = _timeProvider.GetUtcNow();
        if (_tokens.Count > 10_000)
        {
            foreach (KeyValuePair<string, IssuedToken> pair in _tokens)
            {
                if (pair.Value.ExpiresAt <= now)
                {
                    _tokens.TryRemove(pair.Key, out _);
                }
            }
        }

        string token = "emu." + Base64Url(RandomNumberGenerator.GetBytes(32));
        _tokens[token] = new IssuedToken(now + lifetime, onlyCatalogHrn);
        return token;
    }

    /// <summary>Checks an <c>Authorization</c> header; returns 401, 403 or 0 (allowed).</summary>
    public int Authorize(string? authorization, string? catalogHrn)
    {
        string? token = ExtractBearer(authorization);
        if (token is null || !_tokens.TryGetValue(token, out IssuedToken? issued))
        {
            return 401;
        }

        if (issued.ExpiresAt <= _timeProvider.GetUtcNow())
        {
            _tokens.TryRemove(token, out _);
            return 401;
        }

        if (issued.OnlyCatalogHrn is not null && catalogHrn is not null && !string.Equals(issued.OnlyCatalogHrn, catalogHrn, StringComparison.Ordinal))
        {
            return 403;
        }

        return 0;
    }

    public void Revoke(string? authorization)
    {
        string? token = ExtractBearer(authorization);
        if (token is not null)
        {
            _tokens.TryRemove(token, out _);
        }
    }

    public void RevokeAll() => _tokens.Clear();

    public static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string? ExtractBearer(string? authorization)
    {
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string token = authorization[7..].Trim();
        return token.Length == 0 ? null : token;
    }

    private sealed record IssuedToken(DateTimeOffset ExpiresAt, string? OnlyCatalogHrn);
}
