using System.IO.Hashing;
using System.Security.Cryptography;

namespace PartUploader.Emulator.Internal;

/// <summary>Verifies an <c>X-HERE-Digest: Algorithm:hex</c> header over a streamed body (spec 1).</summary>
internal sealed class DigestCheck : IDisposable
{
    private readonly Crc32? _crc;
    private readonly IncrementalHash? _hash;
    private readonly byte[] _expected;

    private DigestCheck(Crc32? crc, IncrementalHash? hash, byte[] expected)
    {
        _crc = crc;
        _hash = hash;
        _expected = expected;
    }

    /// <summary>Parses the header. Returns null with an error message when it is malformed or names an unknown algorithm.</summary>
    public static DigestCheck? TryCreate(string header, bool acceptAliases, out string? error)
    {
        error = null;
        int colon = header.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == header.Length - 1)
        {
            error = "The X-HERE-Digest header must be 'Algorithm:hexdigest'.";
            return null;
        }

        string algorithm = header[..colon];
        string hex = header[(colon + 1)..];
        int expectedLength;
        Func<(Crc32?, IncrementalHash?)> create;
        switch (algorithm)
        {
            case "CRC-32C":
            case "CRC32C" when acceptAliases:
                expectedLength = 8;
                create = () => (Crc32CMath.CreateHasher(), null);
                break;
            case "MD5":
                expectedLength = 32;
                create = () => (null, IncrementalHash.CreateHash(HashAlgorithmName.MD5));
                break;
            case "SHA1":
            case "SHA-1" when acceptAliases:
                expectedLength = 40;
                create = () => (null, IncrementalHash.CreateHash(HashAlgorithmName.SHA1));
                break;
            case "SHA256":
            case "SHA-256" when acceptAliases:
                expectedLength = 64;
                create = () => (null, IncrementalHash.CreateHash(HashAlgorithmName.SHA256));
                break;
            default:
                error = "The X-HERE-Digest algorithm is not supported.";
                return null;
        }

        if (hex.Length != expectedLength || !IsLowerHex(hex))
        {
            error = $"The X-HERE-Digest value for {algorithm} must be {expectedLength} lowercase hex digits.";
            return null;
        }

        (Crc32? crc, IncrementalHash? hash) = create();
        return new DigestCheck(crc, hash, Convert.FromHexString(hex));
    }

    /// <summary>Gets a value indicating whether the check is CRC-32C, whose value the caller may already compute.</summary>
    public bool IsCrc32C => _crc is not null;

    /// <summary>Compares an externally computed CRC-32C with the expected value.</summary>
    public bool MatchesCrc32C(uint crc)
    {
        Span<byte> actual = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(actual, crc);
        return actual.SequenceEqual(_expected);
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        if (_crc is not null)
        {
            _crc.Append(data);
        }
        else
        {
            _hash!.AppendData(data);
        }
    }

    public bool Matches()
    {
        Span<byte> actual = stackalloc byte[64];
        int length;
        if (_crc is not null)
        {
            // CRC-32C is written big-endian in hex, as the number reads.
            uint value = _crc.GetCurrentHashAsUInt32();
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(actual, value);
            length = 4;
        }
        else
        {
            length = _hash!.GetCurrentHash(actual);
        }

        return actual[..length].SequenceEqual(_expected);
    }

    public void Dispose() => _hash?.Dispose();

    private static bool IsLowerHex(string s)
    {
        foreach (char c in s)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }
}
