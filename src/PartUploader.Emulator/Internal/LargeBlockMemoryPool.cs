using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace PartUploader.Emulator.Internal;

/// <summary>
/// Hands Kestrel 256 KiB pinned blocks instead of its default 4 KiB ones, so the socket receives in large reads
/// (machine-limits.md: about twice the loopback throughput).
/// </summary>
internal sealed class LargeBlockMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new LargeBlockMemoryPool();
}

/// <summary>A pool of fixed 256 KiB pinned blocks, kept in a bounded free list.</summary>
internal sealed class LargeBlockMemoryPool : MemoryPool<byte>
{
    public const int BlockSize = 256 * 1024;
    private const int MaxRetained = 512;

    private readonly ConcurrentQueue<byte[]> _free = new();
    private int _retained;
    private volatile bool _disposed;

    public override int MaxBufferSize => BlockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        if (_free.TryDequeue(out byte[]? block))
        {
            Interlocked.Decrement(ref _retained);
        }
        else
        {
            block = GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true);
        }

        return new Block(this, block);
    }

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        _free.Clear();
    }

    private void Return(byte[] block)
    {
        if (_disposed || Interlocked.Increment(ref _retained) > MaxRetained)
        {
            if (!_disposed)
            {
                Interlocked.Decrement(ref _retained);
            }

            return;
        }

        _free.Enqueue(block);
    }

    private sealed class Block : IMemoryOwner<byte>
    {
        private readonly LargeBlockMemoryPool _pool;
        private byte[]? _array;

        public Block(LargeBlockMemoryPool pool, byte[] array)
        {
            _pool = pool;
            _array = array;
        }

        public Memory<byte> Memory => _array ?? throw new ObjectDisposedException(nameof(Block));

        public void Dispose()
        {
            byte[]? array = Interlocked.Exchange(ref _array, null);
            if (array is not null)
            {
                _pool.Return(array);
            }
        }
    }
}
