using System.IO.Compression;

namespace PartUploader.Cli;

/// <summary>
/// Reads a source and yields its gzip compression, for <c>upload --gzip</c>: the source is read once, chunk by chunk, and
/// compressed on the way, so at most one chunk's output is held. Forward-only, so the SDK uploads it as a stream of unknown
/// length. The SDK's publishing path has the same design (internal, tied to partition checksums); the blob upload API takes
/// no compression of its own, so the CLI carries this small reader.
/// </summary>
internal sealed class GzipReadStream : Stream
{
    private const int ChunkSize = 64 * 1024;
    private readonly Stream _source;
    private readonly bool _ownsSource;
    private readonly MemoryStream _compressed = new();
    private readonly GZipStream _gzip;
    private readonly byte[] _chunk = new byte[ChunkSize];
    private int _offset;
    private bool _sourceEnded;

    public GzipReadStream(Stream source, bool ownsSource)
    {
        _source = source;
        _ownsSource = ownsSource;
        _gzip = new GZipStream(_compressed, CompressionLevel.Optimal, leaveOpen: true);
    }

    /// <summary>Gets how many uncompressed bytes were read from the source so far.</summary>
    public long SourceBytes { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (_compressed.Length - _offset == 0 && !_sourceEnded)
        {
            Refill(_source.Read(_chunk, 0, ChunkSize));
        }

        return Drain(buffer);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_compressed.Length - _offset == 0 && !_sourceEnded)
        {
            Refill(await _source.ReadAsync(_chunk.AsMemory(0, ChunkSize), cancellationToken).ConfigureAwait(false));
        }

        return Drain(buffer.Span);
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
            _gzip.Dispose();
            _compressed.Dispose();
            if (_ownsSource)
            {
                _source.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    /// <summary>Compresses what the source gave; at its end, finishes the gzip stream (its trailer).</summary>
    private void Refill(int read)
    {
        // A new window of compressed bytes: what was drained is dropped.
        _compressed.SetLength(0);
        _offset = 0;
        if (read > 0)
        {
            SourceBytes += read;
            _gzip.Write(_chunk, 0, read);
            return;
        }

        _sourceEnded = true;
        _gzip.Dispose();
    }

    private int Drain(Span<byte> buffer)
    {
        int n = Math.Min((int)_compressed.Length - _offset, buffer.Length);
        _compressed.GetBuffer().AsSpan(_offset, n).CopyTo(buffer);
        _offset += n;
        return n;
    }
}
