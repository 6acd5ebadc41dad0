using System.Collections.Concurrent;

namespace PartUploader.Internal.Hashing;

/// <summary>
/// What a run of zero bytes does to a CRC-32C register: a 32 x 32 bit matrix over GF(2), one column per bit. The
/// register is linear, so running data B from register r gives <c>Apply(r) ^ (B run from 0)</c> with the shift over
/// B's length; that joins CRCs (<see cref="Crc32C.Combine"/>) and parallel lanes.
/// </summary>
/// <remarks>
/// Built by squaring (zlib's crc32_combine, with the operators composed into one matrix instead of applied to one
/// register): about 75 matrix products, once per length; applying it is 32 steps. The lengths an upload joins are few
/// (its part size and its last part's), so up to <see cref="CacheSize"/> distinct lengths are kept, and the cache starts
/// over when it is full.
/// </remarks>
internal sealed class Crc32CShift
{
    private const uint ReflectedPolynomial = 0x82F63B78;

    /// <summary>Distinct lengths kept; one more empties the cache first.</summary>
    private const int CacheSize = 128;

    private static readonly ConcurrentDictionary<long, Crc32CShift> s_byLength = new();

    private readonly uint[] _columns;

    private Crc32CShift(uint[] columns) => _columns = columns;

    /// <summary>Gets the shift over <paramref name="length"/> zero bytes (0: the identity).</summary>
    public static Crc32CShift For(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (s_byLength.TryGetValue(length, out Crc32CShift? known))
        {
            return known;
        }

        if (s_byLength.Count >= CacheSize)
        {
            // Full (a long-running process's many last-part lengths): start over, the lengths in use come back at once.
            s_byLength.Clear();
        }

        return s_byLength.GetOrAdd(length, static l => new Crc32CShift(Build(l)));
    }

    /// <summary>Gets the shift over <paramref name="length"/> zero bytes without keeping it (lengths that do not repeat).</summary>
    public static Crc32CShift Uncached(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return new Crc32CShift(Build(length));
    }

    /// <summary>Gets how many lengths are kept now (at most <see cref="CacheSize"/>, give or take racing callers).</summary>
    internal static int CachedLengths => s_byLength.Count;

    /// <summary>The register after the zeros, from the register before them.</summary>
    public uint Apply(uint register)
    {
        uint sum = 0;
        for (int bit = 0; bit < 32; bit++)
        {
            sum ^= _columns[bit] & (0u - ((register >> bit) & 1));
        }

        return sum;
    }

    private static uint[] Build(long length)
    {
        var result = new uint[32];
        for (int bit = 0; bit < 32; bit++)
        {
            result[bit] = 1u << bit;
        }

        // odd: one zero bit; then two, then four; the loop starts at one zero byte and doubles.
        Span<uint> even = stackalloc uint[32];
        Span<uint> odd = stackalloc uint[32];
        odd[0] = ReflectedPolynomial;
        for (int n = 1; n < 32; n++)
        {
            odd[n] = 1u << (n - 1);
        }

        Square(even, odd);
        Square(odd, even);
        bool useEven = true;
        while (length != 0)
        {
            if (useEven)
            {
                Square(even, odd);
            }
            else
            {
                Square(odd, even);
            }

            if ((length & 1) != 0)
            {
                Compose(useEven ? even : odd, result);
            }

            length >>= 1;
            useEven = !useEven;
        }

        return result;
    }

    /// <summary>result := matrix after result (powers of one shift commute, so the order does not matter).</summary>
    private static void Compose(ReadOnlySpan<uint> matrix, Span<uint> result)
    {
        for (int n = 0; n < 32; n++)
        {
            result[n] = Times(matrix, result[n]);
        }
    }

    private static void Square(Span<uint> square, ReadOnlySpan<uint> matrix)
    {
        for (int n = 0; n < 32; n++)
        {
            square[n] = Times(matrix, matrix[n]);
        }
    }

    private static uint Times(ReadOnlySpan<uint> matrix, uint vector)
    {
        uint sum = 0;
        for (int i = 0; vector != 0; i++, vector >>= 1)
        {
            if ((vector & 1) != 0)
            {
                sum ^= matrix[i];
            }
        }

        return sum;
    }
}
