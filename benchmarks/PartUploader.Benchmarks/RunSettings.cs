namespace PartUploader.Benchmarks;

/// <summary>What this run was asked to do.</summary>
internal sealed class RunSettings
{
    public List<string> Scenarios { get; } = [];

    public bool Quick { get; set; }

    public bool Micro { get; set; }

    /// <summary>--check: exit 3 when an SDK case allocates on the LOH or more than <see cref="AllocationCheck.MaxAllocatedBytesPerMiB"/>.</summary>
    public bool Check { get; set; }

    public string? JsonPath { get; set; }

    /// <summary>--client-env NAME=VALUE (repeatable): set in each client process only, not in the emulators' (for example DOTNET_TieredCompilation=0).</summary>
    public Dictionary<string, string> ClientEnvironment { get; } = new(StringComparer.Ordinal);

    /// <summary>--cold: only the planned warm-up, not until the JIT settles (the figures of a process still compiling).</summary>
    public bool Cold { get; set; }

    /// <summary>publish: how many files (null: 10,000, or 1,000 with --quick).</summary>
    public int? PublishCount { get; set; }

    /// <summary>publish: the size of each file in bytes.</summary>
    public int PublishSize { get; set; } = 4096;

    public string CommandLine { get; set; } = "";

    public List<MicroResult> MicroResults { get; } = [];
}

internal static class MachineFacts
{
    public static MachineInfo Read() => new()
    {
        Os = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        Runtime = Environment.Version.ToString(),
        ProcessorCount = Environment.ProcessorCount,
        Cpu = ReadCpu(),
        TotalMemoryBytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
        LoadAverageAtStart = LoadAverage(),
    };

    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string ReadCpu()
    {
        try
        {
            string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? "unknown" : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
