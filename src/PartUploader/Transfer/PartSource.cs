using System.Buffers;
using Microsoft.Win32.SafeHandles;
using PartUploader.Internal.Hashing;

namespace PartUploader.Internal.Transfer;

/// <summary>Where part bytes come from: a file (positional reads, in parallel), a seekable stream, or a non-seekable stream.</summary>
internal abstract class PartSource : IDisposable
{
    /// <summary>Gets the bytes to upload, or null when unknown (a non-seekable stream).</summary>
    public abstract long? Length { get; }

    /// <summary>Gets whether parts may be read at the same time by their senders (positional reads, no shared position).</summary>
    public abstract bool ReadsInParallel { get; }

    /// <summary>Gets whether a part can be read again (to tell a changed source from a corrupted transfer).</summary>
    public abstract bool CanReread { get; }

    /// <summary>Fills <paramref name="buffer"/> with up to <paramref name="length"/> bytes at <paramref name="offset"/>, hashing them; returns the bytes read (fewer only at the end).</summary>
    public abstract ValueTask<long> ReadAsync(long offset, PartBuffer buffer, long length, PartHasher hasher, CancellationToken cancellationToken);

    /// <summary>Reads <paramref name="length"/> bytes at <paramref name="offset"/> again and returns their CRC-32C (only when <see cref="CanReread"/>).</summary>
    public async ValueTask<uint> ComputeCrc32CAsync(long offset, long length, CancellationToken cancellationToken)
    {
        var pool = new SegmentPool(SegmentPool.SegmentSize);
        using PartHasher hasher = new(DigestAlgorithm.None);
        long done = 0;
        while (done < length)
        {
            using PartBuffer scratch = await pool.RentAsync(SegmentPool.SegmentSize, cancellationToken).ConfigureAwait(false);
            long chunk = Math.Min(SegmentPool.SegmentSize, length - done);
            long read = await ReadAsync(offset + done, scratch, chunk, hasher, cancellationToken).ConfigureAwait(false);
            if (read <= 0)
            {
                break;
            }

            done += read;
        }

        return hasher.Finish().Crc32C;
    }

    /// <summary>Whether the source is known to have changed since it was opened (checked before the upload is completed).</summary>
    public virtual bool ChangedSinceOpen() => false;

    /// <summary>
    /// Whether the source changed since it was opened, right after <paramref name="content"/> was read as the whole
    /// source (a single PUT), whose CRC-32C the read computed (<paramref name="contentCrc32C"/>): a source may judge by
    /// the bytes read instead of reading again.
    /// </summary>
    public virtual bool ChangedSinceOpen(PartBuffer content, uint contentCrc32C) => ChangedSinceOpen();

    public virtual void Dispose()
    {
    }
}

/// <summary>A file read with positional reads through one handle: no shared position, safe in parallel.</summary>
internal sealed class FileSource : PartSource
{
    private readonly SafeFileHandle _handle;
    private readonly long _length;

    private const int FingerprintWindow = 1024 * 1024;
    private readonly (long Length, DateTime Written, uint Head, uint Tail) _openedAs;

    private FileSource(SafeFileHandle handle, long length)
    {
        _handle = handle;
        _length = length;
        _openedAs = Fingerprint();
    }

    public override long? Length => _length;

    public override bool ReadsInParallel => true;

    public override bool CanReread => true;

    public static FileSource Open(string path)
    {
        SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        try
        {
            return new FileSource(handle, RandomAccess.GetLength(handle));
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The file changed while it was uploaded when its length, last write time, or first or last MiB differ from when it
    /// was opened: parts read before and after the change would make a blob that was never the file's content.
    /// </summary>
    public override bool ChangedSinceOpen() => Fingerprint() != _openedAs;

    /// <summary>
    /// The whole file was just read into <paramref name="content"/>. A file of at most two windows (2 MiB) changed
    /// since it was opened when its length or last write time differ now, or the bytes read differ from the file's at
    /// open: its windows cover every byte, so what is sent is exactly the file as it was opened, whatever a writer did
    /// during the read, and the file is not read a second time. A longer file is judged by reading its windows again,
    /// as before a multipart completion: judging it by the bytes read would miss a write that changed the head after
    /// it was read and the middle before it was (a torn read), when the write time does not show it.
    /// </summary>
    /// <remarks>A file no longer than one window is its own window: the read's CRC-32C is its hash, not computed again.</remarks>
    public override bool ChangedSinceOpen(PartBuffer content, uint contentCrc32C)
    {
        if (content.Length > 2L * FingerprintWindow)
        {
            return ChangedSinceOpen();
        }

        (long length, DateTime written) = Stat();
        if (content.Length != length)
        {
            // Not the whole file as it is now: judge by the file itself.
            return ChangedSinceOpen();
        }

        if (length != _openedAs.Length || written != _openedAs.Written)
        {
            return true;
        }

        uint head = length <= FingerprintWindow ? contentCrc32C : content.Crc32C(0, FingerprintWindow);
        uint tail = length <= FingerprintWindow ? head : content.Crc32C(length - FingerprintWindow, FingerprintWindow);
        return (head, tail) != (_openedAs.Head, _openedAs.Tail);
    }

    private (long Length, DateTime Written) Stat() => (RandomAccess.GetLength(_handle), File.GetLastWriteTimeUtc(_handle));

    /// <remarks>
    /// Each window is hashed in 64 KiB pieces through one pooled 64 KiB buffer:
    /// a 1 MiB buffer went to the large object heap whenever the shared pool had none to give (issue 14: LOH bytes per
    /// part must be 0). A file no longer than the window is read once, not twice: in a batch of small files the
    /// fingerprint cost more than the upload's own read.
    /// </remarks>
    private (long Length, DateTime Written, uint Head, uint Tail) Fingerprint()
    {
        (long length, DateTime written) = Stat();
        long size = Math.Min(FingerprintWindow, length);
        byte[] piece = ArrayPool<byte>.Shared.Rent(FingerprintPiece);
        try
        {
            uint head = HashRange(piece, 0, size);
            uint tail = length <= size ? head : HashRange(piece, length - size, size);
            return (length, written, head, tail);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(piece);
        }
    }

    private const int FingerprintPiece = 64 * 1024;

    /// <summary>
    /// CRC-32C of <paramref name="count"/> bytes at <paramref name="offset"/>, read piece by piece (a read short of the
    /// count ends it; the fingerprint's length tells windows of different sizes apart).
    /// </summary>
    /// <remarks>
    /// CRC-32C, not XxHash3: ours runs fully optimized from the first call, and issue 14's profile of a 1 GiB sdk-file
    /// upload found XxHash3 at 1.8% of the client's CPU for the 4 MiB the two fingerprints read (called twice per
    /// upload, it stays in early-tier code). A change of a window's bytes goes unnoticed with a chance of 2^-32.
    /// </remarks>
    private uint HashRange(byte[] piece, long offset, long count)
    {
        uint register = Crc32C.InitialState;
        long done = 0;
        while (done < count)
        {
            int want = (int)Math.Min(piece.Length, count - done);
            int read = RandomAccess.Read(_handle, piece.AsSpan(0, want), offset + done);
            register = Crc32C.Update(register, piece.AsSpan(0, read));
            done += read;
            if (read < want)
            {
                break;
            }
        }

        return ~register;
    }

    /// <remarks>
    /// Reads synchronously, one positional read per 64 KiB segment: callers are thread-pool workers (one per part
    /// in flight), and an asynchronous file read on Unix is the same blocking read queued to another pool thread.
    /// Vectored async reads cost about 16 KiB of allocations per 16 MiB part (region lists, pinning handles), which
    /// made RSS grow with the blob's size; these reads allocate nothing, and each segment is hashed while cached.
    /// </remarks>
    public override ValueTask<long> ReadAsync(long offset, PartBuffer buffer, long length, PartHasher hasher, CancellationToken cancellationToken) =>
        ValueTask.FromResult(buffer.ReadFrom(_handle, offset, length, hasher, cancellationToken));

    public override void Dispose()
    {
        _handle.Dispose();
        base.Dispose();
    }
}

/// <summary>A caller's stream, read by one reader from its position at the start; never disposed here.</summary>
internal sealed class StreamSource : PartSource
{
    private readonly Stream _stream;
    private readonly long _origin;
    private readonly long? _length;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _position;

    public StreamSource(Stream stream)
    {
        _stream = stream;
        if (stream.CanSeek)
        {
            _origin = stream.Position;
            _length = Math.Max(0, stream.Length - _origin);
        }
    }

    public override long? Length => _length;

    public override bool ReadsInParallel => false;

    public override bool CanReread => _stream.CanSeek;

    public override async ValueTask<long> ReadAsync(long offset, PartBuffer buffer, long length, PartHasher hasher, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_stream.CanSeek)
            {
                _stream.Position = _origin + offset;
            }
            else if (offset != _position)
            {
                throw new InvalidOperationException("A non-seekable stream can only be read in order.");
            }

            long done = 0;
            foreach (Memory<byte> region in buffer.Regions(0, length))
            {
                int filled = 0;
                while (filled < region.Length)
                {
                    int read = await _stream.ReadAsync(region[filled..], cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    filled += read;
                }

                // Hashed while still in the CPU's cache, not in a second pass over the whole part.
                hasher.Append(region.Span[..filled]);
                done += filled;
                if (filled < region.Length)
                {
                    break;
                }
            }

            buffer.Length = done;
            _position = offset + done;
            return done;
        }
        finally
        {
            _gate.Release();
        }
    }

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }
}
