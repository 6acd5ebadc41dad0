using Microsoft.Win32.SafeHandles;
using PartUploader.Internal.Hashing;

namespace PartUploader.Internal.Transfer;

/// <summary>One part's bytes in pooled segments; disposing returns the segments to the pool exactly once.</summary>
internal sealed class PartBuffer : ISpanSource, IDisposable
{
    private readonly SegmentPool _pool;
    private byte[][]? _segments;

    public PartBuffer(SegmentPool pool, byte[][] segments, long capacity)
    {
        _pool = pool;
        _segments = segments;
        Capacity = capacity;
    }

    /// <summary>Gets the most bytes this buffer holds.</summary>
    public long Capacity { get; }

    /// <summary>Gets or sets how many bytes it holds.</summary>
    public long Length { get; set; }

    private byte[][] Segments => _segments ?? throw new ObjectDisposedException(nameof(PartBuffer));

    /// <summary>The memory regions covering <paramref name="length"/> bytes from <paramref name="start"/>, for vectored reads.</summary>
    public List<Memory<byte>> Regions(long start, long length)
    {
        var regions = new List<Memory<byte>>(SegmentPool.SegmentsFor(length) + 1);
        long end = start + length;
        long position = start;
        while (position < end)
        {
            int index = (int)(position / SegmentPool.SegmentSize);
            int offset = (int)(position % SegmentPool.SegmentSize);
            int count = (int)Math.Min(SegmentPool.SegmentSize - offset, end - position);
            regions.Add(Segments[index].AsMemory(offset, count));
            position += count;
        }

        return regions;
    }

    /// <summary>
    /// Fills the buffer with up to <paramref name="length"/> bytes of <paramref name="file"/> from <paramref name="fileOffset"/>,
    /// one positional read per segment on the calling thread, hashing each segment while it is still in the CPU cache.
    /// Sets <see cref="Length"/> and returns it (fewer bytes only at the end of the file).
    /// </summary>
    public long ReadFrom(SafeFileHandle file, long fileOffset, long length, PartHasher hasher, CancellationToken cancellationToken)
    {
        long done = 0;
        foreach (byte[] segment in Segments)
        {
            if (done >= length)
            {
                break;
            }

            cancellationToken.ThrowIfCancellationRequested();
            int want = (int)Math.Min(segment.Length, length - done);
            int filled = 0;
            while (filled < want)
            {
                int read = RandomAccess.Read(file, segment.AsSpan(filled, want - filled), fileOffset + done + filled);
                if (read <= 0)
                {
                    break;
                }

                filled += read;
            }

            hasher.Append(segment.AsSpan(0, filled));
            done += filled;
            if (filled < want)
            {
                break;
            }
        }

        Length = done;
        return done;
    }

    /// <summary>The CRC-32C of <paramref name="count"/> filled bytes from <paramref name="start"/>.</summary>
    public uint Crc32C(long start, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + count, Length);
        uint register = Hashing.Crc32C.InitialState;
        long position = start;
        long end = start + count;
        while (position < end)
        {
            int index = (int)(position / SegmentPool.SegmentSize);
            int offset = (int)(position % SegmentPool.SegmentSize);
            int take = (int)Math.Min(SegmentPool.SegmentSize - offset, end - position);
            register = Hashing.Crc32C.Update(register, Segments[index].AsSpan(offset, take));
            position += take;
        }

        return ~register;
    }

    /// <summary>Calls <paramref name="action"/> for each filled region, in order.</summary>
    public void ForEachSpan(Action<ReadOnlySpan<byte>> action)
    {
        long remaining = Length;
        foreach (byte[] segment in Segments)
        {
            if (remaining <= 0)
            {
                break;
            }

            int count = (int)Math.Min(segment.Length, remaining);
            action(segment.AsSpan(0, count));
            remaining -= count;
        }
    }

    /// <summary>Writes the filled bytes to <paramref name="destination"/>, reporting each written chunk.</summary>
    /// <remarks>
    /// The segment list is read again before each segment: a writer left running after its request ended (the buffer
    /// disposed, its list reused for another part) stops with <see cref="ObjectDisposedException"/> instead of going on
    /// through a list that is no longer its own.
    /// </remarks>
    public async Task WriteToAsync(Stream destination, Action<int>? written, CancellationToken cancellationToken)
    {
        long remaining = Length;
        for (int index = 0; remaining > 0; index++)
        {
            byte[] segment = Segments[index];
            int count = (int)Math.Min(segment.Length, remaining);
            await destination.WriteAsync(segment.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
            written?.Invoke(count);
            remaining -= count;
        }
    }

    public void Dispose()
    {
        byte[][]? segments = Interlocked.Exchange(ref _segments, null);
        if (segments is not null)
        {
            _pool.Return(segments);
        }
    }
}
