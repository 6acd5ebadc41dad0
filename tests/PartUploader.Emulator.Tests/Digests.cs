using System.IO.Hashing;
using System.Security.Cryptography;

namespace PartUploader.Emulator.Tests;

#pragma warning disable CA5350, CA5351 // The service protocol names MD5 and SHA1 as digest algorithms.
public static class Digests
{
    public static string Header(string algorithm, byte[] data) => algorithm switch
    {
        "CRC-32C" or "CRC32C" => $"{algorithm}:{Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, data):x8}",
        "MD5" => $"MD5:{Convert.ToHexStringLower(MD5.HashData(data))}",
        "SHA1" or "SHA-1" => $"{algorithm}:{Convert.ToHexStringLower(SHA1.HashData(data))}",
        "SHA256" or "SHA-256" => $"{algorithm}:{Convert.ToHexStringLower(SHA256.HashData(data))}",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };
}
