namespace PartUploader;

/// <summary>
/// Supplies the bearer token that every blob and lookup call carries.
/// </summary>
/// <remarks>
/// Implementations must be thread-safe and should cache: the client asks for a token before each
/// request. When the service answers 401 the client asks once with <c>forceRefresh</c> set and
/// retries the request once. Bring your own implementation, use <see cref="FromToken"/> for a
/// static token, or <see cref="FromDelegate"/> for a token your platform hands you.
/// </remarks>
public abstract class AccessTokenSource
{
    /// <summary>Gets a token that is valid now.</summary>
    /// <param name="forceRefresh">True when the service rejected the last token: a cached token must not be returned.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The access token.</returns>
    public abstract Task<AccessToken> GetTokenAsync(bool forceRefresh, CancellationToken cancellationToken = default);

    /// <summary>Creates a source that always returns the same token.</summary>
    /// <param name="token">The bearer token.</param>
    /// <returns>The token source.</returns>
    /// <exception cref="ArgumentException"><paramref name="token"/> is null, empty or white space.</exception>
    public static AccessTokenSource FromToken(string token) => new StaticTokenSource(new AccessToken(token, DateTimeOffset.MaxValue));

    /// <summary>Creates a source that asks a delegate for the token each time.</summary>
    /// <param name="getToken">Returns a token; receives whether a refresh is forced.</param>
    /// <returns>The token source.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="getToken"/> is null.</exception>
    public static AccessTokenSource FromDelegate(Func<bool, CancellationToken, Task<AccessToken>> getToken)
    {
        ArgumentNullException.ThrowIfNull(getToken);
        return new DelegateTokenSource(getToken);
    }

    private sealed class StaticTokenSource(AccessToken token) : AccessTokenSource
    {
        public override Task<AccessToken> GetTokenAsync(bool forceRefresh, CancellationToken cancellationToken = default) => Task.FromResult(token);

        public override string ToString() => "AccessTokenSource(static)";
    }

    private sealed class DelegateTokenSource(Func<bool, CancellationToken, Task<AccessToken>> getToken) : AccessTokenSource
    {
        public override Task<AccessToken> GetTokenAsync(bool forceRefresh, CancellationToken cancellationToken = default) => getToken(forceRefresh, cancellationToken);

        public override string ToString() => "AccessTokenSource(delegate)";
    }
}
