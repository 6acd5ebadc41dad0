namespace PartUploader.Emulator.Internal;

/// <summary>Reads a blob stored as several files (its parts) as one forward-only stream.</summary>
internal sealed class SegmentedReadStream : Stream
{
    private readonly IReadOnlyList<BlobSegment> _segments;
    private readonly long _length;
    private int _index;
    private FileStream? _current;
    private long _position;

    public SegmentedReadStream(IReadOnlyList<BlobSegment> segments)
    {
        _segments = segments;
        _length = segments.Sum(s => s.Length);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (buffer.Length > 0 && Advance())
        {
            int read = _current!.Read(buffer);
            if (read > 0)
            {
                _position += read;
                return read;
            }

            NextSegment();
        }

        return 0;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (buffer.Length > 0 && Advance())
        {
            int read = await _current!.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read > 0)
            {
                _position += read;
                return read;
            }

            NextSegment();
        }

        return 0;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _current?.Dispose();
            _current = null;
        }

        base.Dispose(disposing);
    }

    private bool Advance()
    {
        if (_current is not null)
        {
            return true;
        }

        if (_index >= _segments.Count)
        {
            return false;
        }

        _current = new FileStream(_segments[_index].Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return true;
    }

    private void NextSegment()
    {
        _current!.Dispose();
        _current = null;
        _index++;
    }
}
