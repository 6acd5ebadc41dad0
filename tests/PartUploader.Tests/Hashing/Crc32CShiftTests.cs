using PartUploader.Internal.Hashing;
using PartUploader.Tests.Transfer;

namespace PartUploader.Tests.Hashing;

public class Crc32CShiftTests
{
    /// <summary>The shift over n zero bytes is what running the register over n zero bytes does, for any register.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(1_023)]
    [InlineData(1_024)]
    [InlineData(65_537)]
    [InlineData(1_048_579)]
    public void Apply_EqualsRunningTheRegisterOverThatManyZeros(int length)
    {
        byte[] zeros = new byte[length];
        foreach (uint register in new uint[] { 0, 1, 0x80000000, 0xDEADBEEF, uint.MaxValue })
        {
            Crc32CShift.For(length).Apply(register).ShouldBe(Crc32C.Update(register, zeros), $"register {register:x8}");
        }
    }

    /// <summary>Shifts of lengths far beyond a part (5 GiB, past 2^32 bytes) compose: over a then b is over a + b.</summary>
    [Theory]
    [InlineData(5L * 1024 * 1024 * 1024, 3L * 1024 * 1024 * 1024 + 7)]
    [InlineData(16L * 1024 * 1024, 16L * 1024 * 1024)]
    [InlineData(4_294_967_295L, 1L)]
    public void For_LongLengths_ComposeAdditively(long a, long b)
    {
        Crc32CShift whole = Crc32CShift.For(a + b);
        Crc32CShift first = Crc32CShift.For(a);
        Crc32CShift second = Crc32CShift.For(b);

        foreach (uint register in new uint[] { 1, 0x12345678, uint.MaxValue })
        {
            whole.Apply(register).ShouldBe(second.Apply(first.Apply(register)));
        }
    }

    [Fact]
    public void For_MoreDistinctLengthsThanItKeeps_StaysCorrect()
    {
        byte[] data = TestBuffers.RandomBytes(4_096, 41);
        uint crcA = Crc32C.Hash(data.AsSpan(0, 100));
        for (int length = 1; length <= 300; length++)
        {
            // 300 distinct lengths: past the cache, a shift is built for its caller and must be the same.
            uint crcB = Crc32C.Hash(data.AsSpan(100, length));
            Crc32C.Combine(crcA, crcB, length).ShouldBe(Crc32C.Hash(data.AsSpan(0, 100 + length)), $"length {length}");
        }
    }

    /// <summary>
    /// Past 2^32 bytes, against a reference that does not use the shifts: the CPU's CRC-32C instruction run over 1 MiB
    /// of zeros (<see cref="System.Numerics.BitOperations.Crc32C(uint, ulong)"/>), that step repeated 4,096 times, then
    /// 7 zero bytes more.
    /// </summary>
    [Fact]
    public void For_PastFourGiB_EqualsTheZerosRunOneWordAtATime()
    {
        const long length = (1L << 32) + 7;
        var columns = new uint[32];
        for (int bit = 0; bit < 32; bit++)
        {
            uint register = 1u << bit;
            for (int i = 0; i < 1024 * 1024 / sizeof(ulong); i++)
            {
                register = System.Numerics.BitOperations.Crc32C(register, 0UL);
            }

            columns[bit] = register;
        }

        uint expected = 0xDEADBEEF;
        for (int mib = 0; mib < 4096; mib++)
        {
            uint next = 0;
            for (int bit = 0; bit < 32; bit++)
            {
                next ^= (expected >> bit & 1) != 0 ? columns[bit] : 0;
            }

            expected = next;
        }

        for (int i = 0; i < 7; i++)
        {
            expected = System.Numerics.BitOperations.Crc32C(expected, (byte)0);
        }

        Crc32CShift.For(length).Apply(0xDEADBEEF).ShouldBe(expected);
    }

    [Fact]
    public void For_ManyDistinctLengths_KeepsAtMostItsCacheSize()
    {
        for (long length = 1_000_000; length < 1_000_400; length++)
        {
            Crc32CShift.For(length);
        }

        // 128 kept at most; other tests of this assembly may add a few at the same time.
        Crc32CShift.CachedLengths.ShouldBeLessThanOrEqualTo(128 + 16);
    }

    [Fact]
    public void For_NegativeLength_Throws()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => Crc32CShift.For(-1));
    }
}
