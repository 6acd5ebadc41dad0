using System.IO.Hashing;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace PartUploader.Internal.Hashing;

/// <summary>CRC-32C helpers: one-shot hashing and the combination of two CRCs (zlib's crc32_combine, Castagnoli polynomial).</summary>
internal static class Crc32C
{
    private const uint ReflectedPolynomial = 0x82F63B78;

    public static uint Hash(ReadOnlySpan<byte> data) => Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, data);

    public static Crc32 CreateIncremental() => new(Crc32ParameterSet.Crc32C);

    /// <summary>The register value a CRC-32C starts from (and is inverted with at the end).</summary>
    public const uint InitialState = uint.MaxValue;

    /// <summary>Gets a value indicating whether <see cref="Update"/> runs on the CPU's CRC-32C instruction.</summary>
    public static bool IsHardwareAccelerated { get; } = BitConverter.IsLittleEndian && (Sse42.X64.IsSupported || System.Runtime.Intrinsics.Arm.Crc32.Arm64.IsSupported);

    /// <summary>
    /// Continues a CRC-32C register over <paramref name="data"/>: start from <see cref="InitialState"/>, and the
    /// CRC is the complement of the final register.
    /// </summary>
    /// <remarks>
    /// Runs the CPU's CRC-32C instruction 8 bytes at a time, fully optimized from the first call
    /// (AggressiveOptimization). System.IO.Hashing is faster once tiered up (about 14 against 10 GB/s here),
    /// but parts are hashed in 64 KiB segments, and at that call size its vectorized loop stays in tier-0
    /// code at about 1.1 GB/s for the first few hundred MiB of a process: most of a typical upload.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static uint Update(uint state, ReadOnlySpan<byte> data)
    {
        if (!IsHardwareAccelerated)
        {
            return ~Combine(~state, Hash(data), data.Length);
        }

        ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (ulong word in words)
        {
            state = BitOperations.Crc32C(state, word);
        }

        foreach (byte tail in data[(words.Length * sizeof(ulong))..])
        {
            state = BitOperations.Crc32C(state, tail);
        }

        return state;
    }

    /// <summary>Returns the CRC of A‖B from CRC(A), CRC(B) and the length of B.</summary>
    public static uint Combine(uint crcA, uint crcB, long lengthB)
    {
        if (lengthB <= 0)
        {
            return crcA;
        }

        Span<uint> even = stackalloc uint[32];
        Span<uint> odd = stackalloc uint[32];

        odd[0] = ReflectedPolynomial;
        uint row = 1;
        for (int n = 1; n < 32; n++)
        {
            odd[n] = row;
            row <<= 1;
        }

        Square(even, odd);
        Square(odd, even);

        do
        {
            Square(even, odd);
            if ((lengthB & 1) != 0)
            {
                crcA = Times(even, crcA);
            }

            lengthB >>= 1;
            if (lengthB == 0)
            {
                break;
            }

            Square(odd, even);
            if ((lengthB & 1) != 0)
            {
                crcA = Times(odd, crcA);
            }

            lengthB >>= 1;
        }
        while (lengthB != 0);

        return crcA ^ crcB;
    }

    private static uint Times(ReadOnlySpan<uint> matrix, uint vector)
    {
        uint sum = 0;
        int i = 0;
        while (vector != 0)
        {
            if ((vector & 1) != 0)
            {
                sum ^= matrix[i];
            }

            vector >>= 1;
            i++;
        }

        return sum;
    }

    private static void Square(Span<uint> square, ReadOnlySpan<uint> matrix)
    {
        for (int n = 0; n < 32; n++)
        {
            square[n] = Times(matrix, matrix[n]);
        }
    }
}
