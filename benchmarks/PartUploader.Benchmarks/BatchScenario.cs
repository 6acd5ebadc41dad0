using static System.FormattableString;

namespace PartUploader.Benchmarks;

/// <summary>
/// The batch scenario (opt-in, "batch"): many files, each its own blob. Data sets: 10,000 files of 64 KiB, 200 of 8 MiB,
/// and a mix (2,000 of 64 KiB, 40 of 8 MiB and 2 of 64 MiB). Each uploaded by a naive sequential loop, by raw concurrent
/// HttpClient PUTs and by <c>UploadBatchAsync</c>, both at concurrency 8. Figures: files/s and MB/s, the SDK against raw
/// and naive of the same data set, and peak RSS over the SDK's budget. Goals: 64 KiB files at least 0.8 x raw and 5 x
/// naive; peak RSS at most the budget + 32 MiB.
/// </summary>
internal static class BatchScenario
{
    public const string Name = "batch";

    private const int Concurrency = 8;
    private const int KiB64 = 64 * 1024;
    private const int MiB8 = 8 * 1024 * 1024;
    private const int MiB64 = 64 * 1024 * 1024;

    public static List<CaseSpec> Plan(string workDir, bool quick)
    {
        int scale = quick ? 10 : 1;
        (string Name, (int Count, int Size)[] Files)[] sets =
        [
            (Invariant($"{10_000 / scale}x64K"), [(10_000 / scale, KiB64)]),
            (Invariant($"{200 / scale}x8M"), [(200 / scale, MiB8)]),
            ("mix", [(2_000 / scale, KiB64), (40 / scale, MiB8), (quick ? 1 : 2, MiB64)]),
        ];
        string warm = Write(Path.Combine(workDir, "batch-warm"), [(100, KiB64), (2, MiB8)]);
        long warmBytes = (100L * KiB64) + (2L * MiB8);
        var cases = new List<CaseSpec>();
        foreach ((string set, (int Count, int Size)[] files) in sets)
        {
            string directory = Write(Path.Combine(workDir, "batch-" + set), files);
            long bytes = files.Sum(f => (long)f.Count * f.Size);
            CaseSpec Case(string name, string kind, int concurrency) => new()
            {
                Scenario = Name, Case = set + " " + name, Kind = kind, Bytes = bytes, Repetitions = quick ? 1 : 3, Concurrency = concurrency,
                FilePath = directory, WarmupFilePath = warm, WarmupBytes = warmBytes,
            };
            cases.Add(Case("naive", "batch-naive", 1));
            cases.Add(Case(Invariant($"raw c={Concurrency}"), "batch-raw", Concurrency));
            cases.Add(Case(Invariant($"sdk c={Concurrency}"), "sdk-batch", Concurrency));
        }

        return cases;
    }

    /// <summary>Each SDK case's files/s over raw's and naive's of the same data set, same run.</summary>
    public static CaseSummary WithRatios(CaseSummary summary, IReadOnlyList<CaseSummary> all)
    {
        if (summary.Scenario != Name || summary.Error is not null)
        {
            return summary;
        }

        string set = summary.Case[..summary.Case.IndexOf(' ', StringComparison.Ordinal)];
        double? Rate(string what) => all.FirstOrDefault(s => s.Scenario == Name && s.Error is null && s.Case.StartsWith(set + " " + what, StringComparison.Ordinal))?.MegabytesPerSecond;
        return summary with
        {
            FilesPerSecond = summary.Parts / summary.Seconds,
            RatioVsRaw = Rate("raw") is double raw ? summary.MegabytesPerSecond / raw : null,
            RatioVsNaive = Rate("naive") is double naive ? summary.MegabytesPerSecond / naive : null,
        };
    }

    public static void PrintTable(IReadOnlyList<CaseSummary> summaries)
    {
        CaseSummary[] batch = [.. summaries.Where(s => s.Scenario == Name)];
        if (batch.Length == 0)
        {
            return;
        }

        Console.WriteLine();
        Console.WriteLine("Batches (one blob per file; raw and sdk at concurrency 8; the SDK with CRC-32C):");
        Console.WriteLine("  case                   files/s     MB/s   x raw  x naive  over budget");
        foreach (CaseSummary s in batch)
        {
            Console.WriteLine(s.Error is not null
                ? Invariant($"  {s.Case,-20} FAILED: {s.Error}")
                : Invariant($"  {s.Case,-20} {s.FilesPerSecond,9:F0} {s.MegabytesPerSecond,8:F0}   {Format(s.RatioVsRaw)}   {Format(s.RatioVsNaive)}  {(s.BudgetBytes > 0 ? Runner.FormatBytes(s.PeakRssOverBudgetBytes) : "-"),11}"));
        }

        Console.WriteLine("  Goals: 64 KiB files at least 0.8 x raw and 5 x naive; peak RSS at most the budget + 32 MiB.");
    }

    private static string Format(double? ratio) => ratio is double r ? Invariant($"{r,5:F2}") : "    -";

    private static string Write(string directory, (int Count, int Size)[] files)
    {
        Directory.CreateDirectory(directory);
        var random = new Random(20261130);
        int n = 0;
        foreach ((int count, int size) in files)
        {
            byte[] bytes = new byte[size];
            for (int i = 0; i < count; i++)
            {
                random.NextBytes(bytes);
                File.WriteAllBytes(Path.Combine(directory, Invariant($"f{n++:D6}.bin")), bytes);
            }
        }

        return directory;
    }
}
