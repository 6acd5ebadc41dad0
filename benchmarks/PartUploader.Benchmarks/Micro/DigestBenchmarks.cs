using System.IO.Hashing;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;

namespace PartUploader.Benchmarks.Micro;

/// <summary>One-core digest throughput over a 16 MiB buffer (a default part), per algorithm the SDK offers.</summary>
[MemoryDiagnoser]
public class DigestBenchmarks
{
    public const int BufferBytes = 16 * 1024 * 1024;
    private byte[] _buffer = [];

    [Params("CRC-32C", "MD5", "SHA1", "SHA256")]
    public string Algorithm { get; set; } = "CRC-32C";

    [GlobalSetup]
    public void Setup()
    {
        _buffer = new byte[BufferBytes];
        new Random(20261125).NextBytes(_buffer);
    }

    [Benchmark]
    public int Hash16MiB()
    {
        switch (Algorithm)
        {
            case "CRC-32C":
                return (int)Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, _buffer);
#pragma warning disable CA5350, CA5351 // The service's integrity digests, not security.
            case "MD5":
                return MD5.HashData(_buffer)[0];
            case "SHA1":
                return SHA1.HashData(_buffer)[0];
#pragma warning restore CA5350, CA5351
            default:
                return SHA256.HashData(_buffer)[0];
        }
    }
}
