using PartUploader.Emulator;
using static System.FormattableString;

namespace PartUploader.Benchmarks;

/// <summary>
/// The busy-service scenario (opt-in, "busy"): the emulator takes at most C blob requests in flight (C = 1, 2) and answers
/// 503 with <c>Retry-After: 1</c> beyond. The same 33-part upload at MaxConcurrency 16 (the adaptive window must find C)
/// and at MaxConcurrency C (the baseline: nothing to find), over the WAN link of the wan scenario (20 MB/s per connection,
/// 40 ms), so that a part takes about as long as on a real link and a cooldown costs what it would.
/// Figures: throttled answers per part uploaded, and throughput against the baseline of the same C.
/// </summary>
internal static class BusyScenario
{
    public const string Name = "busy";

    /// <summary>The upload of the report: 33 parts of 5 MiB.</summary>
    public const int Parts = 33;

    private const long PartSize = 5 * Runner.MiB;

    public static List<CaseSpec> Plan(string filePath, long capBytesPerSecond, int latencyMs, bool quick)
    {
        var cases = new List<CaseSpec>();
        foreach (int capacity in (int[])[1, 2])
        {
            foreach (int concurrency in (int[])[capacity, 16])
            {
                cases.Add(new CaseSpec
                {
                    Scenario = Name, Case = Invariant($"C={capacity} c={concurrency}"), Kind = "sdk-file", Bytes = Parts * PartSize,
                    Warmups = 0, Repetitions = quick ? 1 : 3, PartSize = PartSize, Concurrency = concurrency, ForceMultipart = true,
                    FilePath = filePath, CapBytesPerSecond = capBytesPerSecond, LatencyMs = latencyMs, ServerCapacity = capacity,
                });
            }
        }

        return cases;
    }

    public static long FileBytes => Parts * PartSize;

    /// <summary>Before a case: the capacity switch on, the load counters reset.</summary>
    public static void Prepare(BlobEmulator emulator, CaseSpec spec)
    {
        emulator.Options.MaxRequestsInFlight = spec.ServerCapacity;
        emulator.Load.Reset();
    }

    /// <summary>After a case: the throttled answers of all its repetitions, per part uploaded; the switch off again.</summary>
    public static CaseSummary Complete(BlobEmulator emulator, CaseSummary summary)
    {
        long throttled = emulator.Load.Throttled;
        emulator.Options.MaxRequestsInFlight = null;
        int partsUploaded = summary.Parts * summary.Repetitions;
        return summary with
        {
            ServerCapacity = summary.ServerCapacity,
            ThrottledAnswers = throttled,
            ThrottledPerPart = partsUploaded > 0 ? (double)throttled / partsUploaded : null,
        };
    }

    /// <summary>Each case's throughput over the case of the same capacity at MaxConcurrency = C.</summary>
    public static CaseSummary WithRatio(CaseSummary summary, IReadOnlyList<CaseSummary> all)
    {
        if (summary.Scenario != Name || summary.Error is not null)
        {
            return summary;
        }

        CaseSummary? baseline = all.FirstOrDefault(s => s.Scenario == Name && s.Error is null && s.ServerCapacity == summary.ServerCapacity && s.Concurrency == s.ServerCapacity);
        return baseline is null ? summary : summary with { RatioVsCapacityBaseline = summary.MegabytesPerSecond / baseline.MegabytesPerSecond };
    }

    public static void PrintTable(IReadOnlyList<CaseSummary> summaries)
    {
        CaseSummary[] busy = [.. summaries.Where(s => s.Scenario == Name)];
        if (busy.Length == 0)
        {
            return;
        }

        Console.WriteLine();
        Console.WriteLine("Busy service (emulator capacity C, 503 + Retry-After: 1 beyond; 20 MB/s and 40 ms per connection):");
        Console.WriteLine("  case           MB/s   vs c=C   throttled/part   throttled");
        foreach (CaseSummary s in busy)
        {
            Console.WriteLine(s.Error is not null
                ? Invariant($"  {s.Case,-12} FAILED: {s.Error}")
                : Invariant($"  {s.Case,-12} {s.MegabytesPerSecond,6:F1}   {s.RatioVsCapacityBaseline,6:F2}   {s.ThrottledPerPart,14:F2}   {s.ThrottledAnswers,9}"));
        }

        Console.WriteLine("  Goals at c=16: at most 1 throttled answer per part, at least 0.8 x the throughput at c=C.");
    }
}
