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

    [Fact]
    public void For_NegativeLength_Throws()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => Crc32CShift.For(-1));
    }
}
