namespace PartUploader.Cli;

/// <summary>
/// Standard input whose reads observe cancellation. A console or pipe read blocks and ignores the token, so
/// Ctrl+C would wait for the next bytes; here each read runs on its own thread into a private buffer, and a
/// cancelled read is abandoned (the process is about to exit) without touching the caller's buffer.
/// </summary>
internal sealed class CancellableInputStream(Stream inner) : Stream
{
    private byte[] _buffer = [];
    private bool _abandoned;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_abandoned, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (_buffer.Length < buffer.Length)
        {
            _buffer = new byte[buffer.Length];
        }

        byte[] own = _buffer;
        int count = buffer.Length;
        Task<int> read = Task.Run(() => inner.Read(own, 0, count), CancellationToken.None);
        try
        {
            int n = await read.WaitAsync(cancellationToken).ConfigureAwait(false);
            own.AsSpan(0, n).CopyTo(buffer.Span);
            return n;
        }
        catch (OperationCanceledException) when (!read.IsCompleted)
        {
            _abandoned = true;
            throw;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_abandoned)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
