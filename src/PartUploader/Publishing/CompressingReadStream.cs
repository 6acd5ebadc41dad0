using System.IO.Compression;
using System.Security.Cryptography;

namespace PartUploader.Internal.Publishing;

/// <summary>
/// Reads a source and yields its gzip compression, for a layer that stores gzip data: the source is read once, and
/// that one pass also counts its (uncompressed) length and computes the layer's digest over it, as the partition
/// metadata of a gzip layer needs (publish spec 1.2, 5: <c>dataSize</c> and <c>checksum</c> cover the uncompressed
/// bytes, <c>compressedDataSize</c> the stored ones). Forward-only, so the upload treats it as a non-seekable stream.
/// </summary>
internal sealed class CompressingReadStream : Stream
{
    private const int ChunkSize = 64 * 1024;
    private readonly Stream _source;
    private readonly IncrementalHash? _hash;
    private readonly MemoryStream _compressed = new();
    private readonly GZipStream _gzip;
    private readonly byte[] _chunk = new byte[ChunkSize];
    private int _offset;
    private bool _sourceEnded;

    public CompressingReadStream(Stream source, PartitionChecksum checksum)
    {
        _source = source;
        _hash = checksum switch
        {
            PartitionChecksum.Md5 => IncrementalHash.CreateHash(HashAlgorithmName.MD5),
            PartitionChecksum.Sha1 => IncrementalHash.CreateHash(HashAlgorithmName.SHA1),
            PartitionChecksum.Sha256 => IncrementalHash.CreateHash(HashAlgorithmName.SHA256),
            _ => null,
        };
        _gzip = new GZipStream(_compressed, CompressionLevel.Optimal, leaveOpen: true);
    }

    /// <summary>Gets how many uncompressed bytes were read from the source.</summary>
    public long UncompressedLength { get; private set; }

    /// <summary>Gets the digest of the uncompressed bytes in lowercase hex once the source has been read to its end; null before, or without a digest.</summary>
    public string? UncompressedDigest { get; private set; }

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
            _hash?.Dispose();
            _source.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Compresses what the source gave; at its end, finishes the gzip stream and the digest.</summary>
    private void Refill(int read)
    {
        // Start a new window of compressed bytes: what was drained is dropped, so at most a chunk's output is held.
        _compressed.SetLength(0);
        _offset = 0;
        if (read > 0)
        {
            UncompressedLength += read;
            _hash?.AppendData(_chunk, 0, read);
            _gzip.Write(_chunk, 0, read);
            return;
        }

        _sourceEnded = true;
        _gzip.Dispose(); // writes the gzip trailer into _compressed
        UncompressedDigest = _hash is null ? null : Convert.ToHexStringLower(_hash.GetHashAndReset());
    }

    private int Drain(Span<byte> buffer)
    {
        int available = (int)_compressed.Length - _offset;
        int n = Math.Min(available, buffer.Length);
        _compressed.GetBuffer().AsSpan(_offset, n).CopyTo(buffer);
        _offset += n;
        return n;
    }
}
