namespace PartUploader.Emulator.Internal;

/// <summary>
/// Wraps a request body: counts bytes, throttles to a bandwidth (WAN simulation), and resets the connection or stops
/// reading for a while after a number of bytes (fault injection).
/// </summary>
internal sealed class BodyMeter : Stream
{
    private readonly Stream _inner;
    private readonly TimeProvider _timeProvider;
    private readonly Action _abort;
    private readonly long _startTimestamp;
    private long _bytesRead;
    private (long AfterBytes, TimeSpan Delay, CancellationToken Stopping, Action<long>? Stalled)? _stall;

    public BodyMeter(Stream inner, TimeProvider timeProvider, Action abort)
    {
        _inner = inner;
        _timeProvider = timeProvider;
        _abort = abort;
        _startTimestamp = timeProvider.GetTimestamp();
    }

    public long BytesRead => Interlocked.Read(ref _bytesRead);

    public long? BytesPerSecond { get; set; }

    public long? ResetAfter { get; set; }

    /// <summary>Stops reading once <paramref name="afterBytes"/> bytes were read, for <paramref name="delay"/> on the clock
    /// (<see cref="Timeout.InfiniteTimeSpan"/>: until the request is aborted or <paramref name="stopping"/> fires).</summary>
    public void StallAfter(long afterBytes, TimeSpan delay, Action<long>? stalled, CancellationToken stopping) =>
        _stall = (afterBytes, delay, stopping, stalled);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (ResetAfter is long limit)
        {
            long left = limit - _bytesRead;
            if (left <= 0)
            {
                _abort();
                throw new IOException("The emulator reset the connection (fault injection).");
            }

            buffer = buffer[..(int)Math.Min(buffer.Length, left)];
        }

        if (_stall is { } stall)
        {
            long left = stall.AfterBytes - _bytesRead;
            if (left <= 0)
            {
                // Once: the rest of the body is read normally after the pause.
                _stall = null;
                stall.Stalled?.Invoke(_bytesRead);
                using CancellationTokenSource linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stall.Stopping);
                await Task.Delay(stall.Delay, _timeProvider, linked.Token).ConfigureAwait(false);
            }
            else
            {
                buffer = buffer[..(int)Math.Min(buffer.Length, left)];
            }
        }

        long? rate = BytesPerSecond;
        if (rate is > 0)
        {
            // Small reads keep the rate smooth: at most a tenth of a second's worth (never more than the caller asked
            // for: a buffer shorter than 1 KiB made Math.Clamp throw, a 500 in the middle of a throttled body).
            buffer = buffer[..(int)Math.Min(Math.Max(rate.Value / 10, 1024), buffer.Length)];
        }

        int read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        long total = Interlocked.Add(ref _bytesRead, read);
        if (rate is > 0 && read > 0)
        {
            TimeSpan due = TimeSpan.FromSeconds((double)total / rate.Value);
            TimeSpan wait = due - _timeProvider.GetElapsedTime(_startTimestamp);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }

        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Synchronous reads are not supported.");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
