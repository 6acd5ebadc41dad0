using System.Text;
using PartUploader.Internal.Hashing;
using PartUploader.Tests.Transfer;

namespace PartUploader.Tests.Hashing;

public class Crc32CTests
{
    [Fact]
    public void Hash_CheckString_IsE3069283()
    {
        uint crc = Crc32C.Hash(Encoding.ASCII.GetBytes("123456789"));

        crc.ShouldBe(0xE3069283u);
    }

    [Fact]
    public void Hash_RandomData_MatchesBitwiseReference()
    {
        byte[] data = TestBuffers.RandomBytes(10_000, 7);

        Crc32C.Hash(data).ShouldBe(TestBuffers.ReferenceCrc32C(data));
    }

    /// <summary>
    /// Update runs three chains over equal lanes from 3 KiB on (whole KiB, at most 32 KiB each, several rounds for
    /// longer spans) and a single chain over the rest: every boundary, continued from a register that is not the
    /// initial one, must give the bitwise reference's CRC of the whole.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(3_071)]
    [InlineData(3_072)]
    [InlineData(3_073)]
    [InlineData(4_100)]
    [InlineData(65_535)]
    [InlineData(65_536)]
    [InlineData(65_537)]
    [InlineData(98_304)]
    [InlineData(98_311)]
    [InlineData(300_001)]
    public void Update_AnyLengthAfterAPrefix_MatchesBitwiseReference(int length)
    {
        byte[] data = TestBuffers.RandomBytes(length + 13, length);

        uint register = Crc32C.Update(Crc32C.InitialState, data.AsSpan(0, 13));
        register = Crc32C.Update(register, data.AsSpan(13));

        (~register).ShouldBe(TestBuffers.ReferenceCrc32C(data));
    }

    [Fact]
    public void Update_SameLaneLengthFromManyThreads_AllMatchTheReference()
    {
        // The lane shifts are made on first use and shared; concurrent calls must all give the whole's CRC. (A race on
        // the first use is unlikely to be caught here: another test may have made this lane's shift already.)
        byte[] data = TestBuffers.RandomBytes(29 * 1024 * 3, 29);
        uint expected = TestBuffers.ReferenceCrc32C(data);

        uint[] results = new uint[8];
        Parallel.For(0, results.Length, i => results[i] = ~Crc32C.Update(Crc32C.InitialState, data));

        results.ShouldAllBe(r => r == expected);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Combine_RandomSplits_EqualsCrcOfConcatenation(int seed)
    {
        var random = new Random(seed);
        byte[] data = TestBuffers.RandomBytes(random.Next(1, 200_000), seed);
        int split = random.Next(0, data.Length + 1);
        uint crcA = Crc32C.Hash(data.AsSpan(0, split));
        uint crcB = Crc32C.Hash(data.AsSpan(split));

        uint combined = Crc32C.Combine(crcA, crcB, data.Length - split);

        combined.ShouldBe(Crc32C.Hash(data));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(65_536)]
    public void Combine_EdgeSplits_EqualsCrcOfConcatenation(int split)
    {
        byte[] data = TestBuffers.RandomBytes(65_536, 99);
        uint crcA = Crc32C.Hash(data.AsSpan(0, split));
        uint crcB = Crc32C.Hash(data.AsSpan(split));

        Crc32C.Combine(crcA, crcB, data.Length - split).ShouldBe(Crc32C.Hash(data));
    }

    [Fact]
    public void Combine_ManyParts_FoldsToWholeCrc()
    {
        byte[] data = TestBuffers.RandomBytes(300_001, 11);
        uint crc = 0;
        for (int offset = 0; offset < data.Length; offset += 70_000)
        {
            int length = Math.Min(70_000, data.Length - offset);
            crc = Crc32C.Combine(crc, Crc32C.Hash(data.AsSpan(offset, length)), length);
        }

        crc.ShouldBe(TestBuffers.ReferenceCrc32C(data));
    }
}
