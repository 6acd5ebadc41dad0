namespace PartUploader.IntegrationTests.Engine;

/// <summary>A stream that claims a length it does not have.</summary>
internal sealed class LyingLengthStream(byte[] data, long claimedLength) : MemoryStream(data)
{
    public override long Length => claimedLength;
}

/// <summary>Hands out "tok-1" until a refresh is forced, then "tok-2"; counts the forced refreshes.</summary>
internal sealed class RefreshCountingTokens
{
    private int _refreshes;

    public RefreshCountingTokens() =>
        Source = AccessTokenSource.FromDelegate((force, _) =>
        {
            if (force)
            {
                Interlocked.Increment(ref _refreshes);
            }

            return Task.FromResult(new AccessToken(Refreshes == 0 ? "tok-1" : "tok-2", DateTimeOffset.MaxValue));
        });

    public AccessTokenSource Source { get; }

    public int Refreshes => Volatile.Read(ref _refreshes);
}
