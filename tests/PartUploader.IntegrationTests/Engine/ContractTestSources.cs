namespace PartUploader.IntegrationTests.Engine;

/// <summary>A stream that claims a length it does not have.</summary>
internal sealed class LyingLengthStream(byte[] data, long claimedLength) : MemoryStream(data)
{
    public override long Length => claimedLength;
}

/// <summary>A non-seekable stream that returns at most 7,001 bytes per read, as a pipe might.</summary>
internal sealed class ShortReadStream(byte[] data) : Stream
{
    private readonly MemoryStream _inner = new(data);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 7_001));

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
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
