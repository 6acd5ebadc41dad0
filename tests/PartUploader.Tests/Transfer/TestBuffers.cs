using PartUploader.Internal.Transfer;

namespace PartUploader.Tests.Transfer;

/// <summary>Helpers to hold test bytes in pooled part buffers, and an independent bitwise CRC-32C.</summary>
internal static class TestBuffers
{
    public static PartBuffer Fill(SegmentPool pool, byte[] data)
    {
        PartBuffer buffer = pool.RentAsync(Math.Max(1, data.Length), CancellationToken.None).AsTask().GetAwaiter().GetResult();
        int done = 0;
        foreach (Memory<byte> region in buffer.Regions(0, data.Length))
        {
            data.AsSpan(done, region.Length).CopyTo(region.Span);
            done += region.Length;
        }

        buffer.Length = data.Length;
        return buffer;
    }

    public static byte[] RandomBytes(int length, int seed)
    {
        byte[] data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    /// <summary>Bit-by-bit reflected CRC-32C (polynomial 0x82F63B78), an oracle independent of the code under test.</summary>
    public static uint ReferenceCrc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int i = 0; i < 8; i++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
            }
        }

        return ~crc;
    }
}
