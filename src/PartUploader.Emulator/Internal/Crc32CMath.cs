using System.IO.Hashing;

namespace PartUploader.Emulator.Internal;

/// <summary>CRC-32C helpers: the combination of two CRCs (as zlib's crc32_combine, for the Castagnoli polynomial).</summary>
internal static class Crc32CMath
{
    private const uint ReflectedPolynomial = 0x82F63B78;

    public static Crc32 CreateHasher() => new(Crc32ParameterSet.Crc32C);

    public static uint Hash(ReadOnlySpan<byte> data) => Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, data);

    /// <summary>Returns the CRC of A followed by B, given CRC(A), CRC(B) and the length of B.</summary>
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
