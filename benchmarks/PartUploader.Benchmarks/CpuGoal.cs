using System.Diagnostics;
using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;
using static System.FormattableString;

namespace PartUploader.Benchmarks;

/// <summary>
/// Issue 14's CPU goal for sdk-file: client CPU per GB at most 1.15 x (the best raw variant's CPU per GB + the CPU per GB
/// of reading the file + of CRC-32C), the last two measured here, in the same run, on the file sdk-file read.
/// </summary>
internal sealed record CpuGoal
{
    /// <summary>The factor the issue allows over the sum of the baselines.</summary>
    public const double Allowance = 1.15;

    public required string RawCase { get; init; }

    public required double RawCpuSecondsPerGB { get; init; }

    /// <summary>Reading the page-cached file in 64 KiB positional reads (the SDK's segment size), median of the repetitions.</summary>
    public required double FileReadCpuSecondsPerGB { get; init; }

    /// <summary>CRC-32C over the same bytes in 64 KiB pieces, median of the repetitions.</summary>
    public required double Crc32CCpuSecondsPerGB { get; init; }

    public required double SdkFileCpuSecondsPerGB { get; init; }

    public double LimitCpuSecondsPerGB => Allowance * (RawCpuSecondsPerGB + FileReadCpuSecondsPerGB + Crc32CCpuSecondsPerGB);

    public bool Met => SdkFileCpuSecondsPerGB <= LimitCpuSecondsPerGB;

    /// <summary>Measures the read and CRC-32C baselines on <paramref name="path"/> (already in the page cache from the cases).</summary>
    public static (double Read, double Crc) MeasureBaselines(string path, int repetitions)
    {
        var reads = new List<double>();
        var crcs = new List<double>();
        byte[] buffer = GC.AllocateUninitializedArray<byte>(64 * 1024, pinned: true);
        using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long length = RandomAccess.GetLength(handle);
        ReadAll(handle, buffer, length); // warm: the pages and the code
        CrcAll(buffer, length);
        for (int i = 0; i < repetitions; i++)
        {
            reads.Add(CpuSecondsPerGB(() => ReadAll(handle, buffer, length), length));
            crcs.Add(CpuSecondsPerGB(() => CrcAll(buffer, length), length));
        }

        return (Median(reads), Median(crcs));
    }

    public string Describe() => Invariant(
        $"CPU goal: sdk-file {SdkFileCpuSecondsPerGB:F2} s/GB <= {Allowance} x (best raw {RawCase} {RawCpuSecondsPerGB:F2} + file read {FileReadCpuSecondsPerGB:F2} + CRC-32C {Crc32CCpuSecondsPerGB:F2}) = {LimitCpuSecondsPerGB:F2} s/GB: {(Met ? "met" : "missed")}.");

    private static long ReadAll(SafeFileHandle handle, byte[] buffer, long length)
    {
        long sink = 0;
        for (long offset = 0; offset < length; offset += buffer.Length)
        {
            sink += RandomAccess.Read(handle, buffer, offset);
        }

        return sink;
    }

    private static long CrcAll(byte[] buffer, long length)
    {
        long sink = 0;
        for (long done = 0; done < length; done += buffer.Length)
        {
            sink += Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, buffer);
        }

        return sink;
    }

    /// <summary>
    /// Seconds per GB of <paramref name="bytes"/> for <paramref name="work"/>: one thread, synchronous, nothing else
    /// running (the emulator is idle between cases), so its wall time is its CPU time, at a finer grain than the
    /// 10 ms ticks of the kernel's per-thread accounting.
    /// </summary>
    private static double CpuSecondsPerGB(Func<long> work, long bytes)
    {
        long start = Stopwatch.GetTimestamp();
        long sink = work();
        TimeSpan spent = Stopwatch.GetElapsedTime(start);
        GC.KeepAlive(sink);
        return spent.TotalSeconds / (bytes / 1e9);
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
