using System.Security.Cryptography;
using System.Text;
using PartUploader.Internal.Hashing;
using PartUploader.Tests.Transfer;

#pragma warning disable CA5350, CA5351 // MD5 and SHA-1 are test oracles for integrity digests.

namespace PartUploader.Tests.Hashing;

public class PartHasherTests
{
    private static readonly byte[] s_abc = Encoding.ASCII.GetBytes("abc");

    private static PartHasher CreateSut(DigestAlgorithm algorithm, bool alias = false) => new(algorithm, alias);

    private static PartDigest Digest(DigestAlgorithm algorithm, byte[] data, bool alias = false)
    {
        using PartHasher sut = CreateSut(algorithm, alias);
        sut.Append(data);
        return sut.Finish();
    }

    [Fact]
    public void Finish_Crc32C_FormatsCheckValueLowercase()
    {
        Digest(DigestAlgorithm.Crc32C, Encoding.ASCII.GetBytes("123456789")).HeaderValue.ShouldBe("CRC-32C:e3069283");
    }

    [Fact]
    public void Finish_Crc32CWithLeadingZeroNibble_ZeroPadsToEightDigits()
    {
        // Find an input whose CRC-32C is below 0x10000000 with the independent reference.
        byte[] data = Enumerable.Range(0, 10_000).Select(i => BitConverter.GetBytes(i)).First(d => TestBuffers.ReferenceCrc32C(d) < 0x10000000);
        string expected = "CRC-32C:" + TestBuffers.ReferenceCrc32C(data).ToString("x8", System.Globalization.CultureInfo.InvariantCulture);

        string? header = Digest(DigestAlgorithm.Crc32C, data).HeaderValue;

        header.ShouldBe(expected);
        header!.Length.ShouldBe("CRC-32C:".Length + 8);
        header["CRC-32C:".Length].ShouldBe('0');
    }

    [Fact]
    public void Finish_Md5_KnownVector()
    {
        string expected = "MD5:" + Convert.ToHexStringLower(MD5.HashData(s_abc));

        string? header = Digest(DigestAlgorithm.Md5, s_abc).HeaderValue;

        header.ShouldBe(expected);
        header.ShouldBe("MD5:900150983cd24fb0d6963f7d28e17f72");
    }

    [Fact]
    public void Finish_Sha1_KnownVector()
    {
        string expected = "SHA1:" + Convert.ToHexStringLower(SHA1.HashData(s_abc));

        string? header = Digest(DigestAlgorithm.Sha1, s_abc).HeaderValue;

        header.ShouldBe(expected);
        header.ShouldBe("SHA1:a9993e364706816aba3e25717850c26c9cd0d89d");
    }

    [Fact]
    public void Finish_Sha256_KnownVector()
    {
        string expected = "SHA256:" + Convert.ToHexStringLower(SHA256.HashData(s_abc));

        string? header = Digest(DigestAlgorithm.Sha256, s_abc).HeaderValue;

        header.ShouldBe(expected);
        header.ShouldBe("SHA256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    [Theory]
    [InlineData(DigestAlgorithm.Crc32C, "CRC32C:")]
    [InlineData(DigestAlgorithm.Md5, "MD5:")]
    [InlineData(DigestAlgorithm.Sha1, "SHA-1:")]
    [InlineData(DigestAlgorithm.Sha256, "SHA-256:")]
    public void Finish_AlternateTokens_UsesAliasToken(DigestAlgorithm algorithm, string prefix)
    {
        string? header = Digest(algorithm, s_abc, alias: true).HeaderValue;
        string standard = Digest(algorithm, s_abc).HeaderValue!;

        header.ShouldBe(prefix + standard[(standard.IndexOf(':', StringComparison.Ordinal) + 1)..]);
    }

    [Fact]
    public void Finish_None_NoHeaderButCrcComputed()
    {
        PartDigest digest = Digest(DigestAlgorithm.None, Encoding.ASCII.GetBytes("123456789"));

        digest.HeaderValue.ShouldBeNull();
        digest.Crc32C.ShouldBe(0xE3069283u);
    }

    [Fact]
    public void Finish_Twice_ResetsForNextPart()
    {
        using PartHasher sut = CreateSut(DigestAlgorithm.Sha256);
        sut.Append(Encoding.ASCII.GetBytes("other part"));
        sut.Finish();
        sut.Append(s_abc);

        PartDigest second = sut.Finish();

        second.HeaderValue.ShouldBe("SHA256:" + Convert.ToHexStringLower(SHA256.HashData(s_abc)));
        second.Crc32C.ShouldBe(TestBuffers.ReferenceCrc32C(s_abc));
    }
}
