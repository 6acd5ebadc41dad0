using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace PartUploader.Internal.Hashing;

/// <summary>The digests of one part, computed once while it is read and reused on every attempt.</summary>
/// <param name="Crc32C">The part's CRC-32C (always computed: it feeds the whole-blob CRC and the read-back check).</param>
/// <param name="HeaderValue">The <c>X-HERE-Digest</c> value (<c>Algorithm:hex</c>), or null when no header is sent.</param>
internal readonly record struct PartDigest(uint Crc32C, string? HeaderValue);

/// <summary>Hashes a part as its bytes are read: always CRC-32C, plus the header algorithm when it differs.</summary>
internal sealed class PartHasher : IDisposable
{
    private readonly DigestAlgorithm _algorithm;
    private readonly bool _aliasTokens;
    private uint _crcState = Crc32C.InitialState;
    private readonly IncrementalHash? _crypto;

    public PartHasher(DigestAlgorithm algorithm, bool aliasTokens = false)
    {
        _algorithm = algorithm;
        _aliasTokens = aliasTokens;
        _crypto = CreateCrypto(algorithm);
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        _crcState = Crc32C.Update(_crcState, data);
        _crypto?.AppendData(data);
    }

    /// <summary>Returns the digests and resets the hasher for the next part.</summary>
    public PartDigest Finish()
    {
        uint crc = ~_crcState;
        _crcState = Crc32C.InitialState;
        string? header = _algorithm switch
        {
            DigestAlgorithm.None => null,
            DigestAlgorithm.Crc32C => FormatHeader(DigestAlgorithm.Crc32C, crc.ToString("x8", CultureInfo.InvariantCulture), _aliasTokens),
            _ => FormatHeader(_algorithm, Convert.ToHexStringLower(_crypto!.GetHashAndReset()), _aliasTokens),
        };
        return new PartDigest(crc, header);
    }

    public static IncrementalHash? CreateCrypto(DigestAlgorithm algorithm) => algorithm switch
    {
#pragma warning disable CA5350, CA5351 // MD5 and SHA1 are what the service accepts for integrity, not security.
        DigestAlgorithm.Md5 => IncrementalHash.CreateHash(HashAlgorithmName.MD5),
        DigestAlgorithm.Sha1 => IncrementalHash.CreateHash(HashAlgorithmName.SHA1),
#pragma warning restore CA5350, CA5351
        DigestAlgorithm.Sha256 => IncrementalHash.CreateHash(HashAlgorithmName.SHA256),
        _ => null,
    };

    /// <summary>Formats <c>Algorithm:hex</c> with the exact tokens of spec 1 (or the U11 aliases).</summary>
    public static string FormatHeader(DigestAlgorithm algorithm, string lowerHex, bool aliasTokens = false) =>
        (algorithm, aliasTokens) switch
        {
            (DigestAlgorithm.Crc32C, false) => "CRC-32C:" + lowerHex,
            (DigestAlgorithm.Crc32C, true) => "CRC32C:" + lowerHex,
            (DigestAlgorithm.Md5, _) => "MD5:" + lowerHex,
            (DigestAlgorithm.Sha1, false) => "SHA1:" + lowerHex,
            (DigestAlgorithm.Sha1, true) => "SHA-1:" + lowerHex,
            (DigestAlgorithm.Sha256, false) => "SHA256:" + lowerHex,
            (DigestAlgorithm.Sha256, true) => "SHA-256:" + lowerHex,
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "No header for this algorithm."),
        };

    /// <summary>The CRC-32C as big-endian bytes (the form <c>Crc32.GetCurrentHash</c> would give is little-endian).</summary>
    public static byte[] ToBigEndianBytes(uint crc)
    {
        byte[] bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, crc);
        return bytes;
    }

    public void Dispose() => _crypto?.Dispose();
}
