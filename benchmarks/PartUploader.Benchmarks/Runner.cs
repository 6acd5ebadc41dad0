using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using PartUploader.Emulator;
using static System.FormattableString;

namespace PartUploader.Benchmarks;

/// <summary>
/// The orchestrator: hosts the emulator (discard mode, large Kestrel pool blocks; a second one on HTTPS for the TLS
/// scenarios), prepares the source files, runs every case's client side in a child process, and reports medians and
/// ratios measured in this one run.
/// </summary>
internal sealed class Runner(RunSettings settings)
{
    public const long MiB = 1024L * 1024;
    public const long GiB = 1024L * MiB;
    private const long PartSize = 16 * MiB;
    private const long WanCapBytesPerSecond = 20_000_000;
    private const int WanLatencyMs = 40;
    private const long Parts10kPartSize = 5 * MiB;
    private const long ScaleBudget = 128 * MiB;

    private readonly Dictionary<(long Size, bool Sparse), string> _files = [];
    private string _workDir = "";

    // The TLS scenarios add three cases the size of raw's and sdk-file's (a 256 MiB warm-up and five 1 GiB repetitions
    // each); judged from quick runs on this machine, that is a small share of a default run's several minutes.
    public static readonly string[] DefaultScenarios = ["raw", "naive", "sdk-file", "sdk-stream", "scale", "wan", RawTls, SdkFileTls];
    public static readonly string[] AllScenarios = ["raw", "naive", "sdk-file", "sdk-stream", "scale", "wan", RawTls, SdkFileTls, "parts10k", "publish", BusyScenario.Name, BatchScenario.Name];

    /// <summary>raw over HTTPS: the same cases as raw, to the HTTPS emulator.</summary>
    public const string RawTls = "raw-tls";

    /// <summary>sdk-file over HTTPS: its CRC-32C case (the default options), to the HTTPS emulator.</summary>
    public const string SdkFileTls = "sdk-file-tls";

    private long MainBytes => settings.Quick ? 128 * MiB : 1 * GiB;

    private int Repetitions => settings.Quick ? 1 : 5;

    public async Task<int> RunAsync()
    {
        var startedAt = DateTimeOffset.UtcNow;
        MachineInfo machine = MachineFacts.Read();
        Console.WriteLine(Invariant($"PartUploader benchmarks: {string.Join(' ', settings.Scenarios)}{(settings.Quick ? " (quick)" : "")}"));
        Console.WriteLine(Invariant($"Machine: {machine.Cpu}, {machine.ProcessorCount} cores, {machine.TotalMemoryBytes / GiB} GiB, {machine.Os}, .NET {machine.Runtime}; load average {machine.LoadAverageAtStart}"));

        _workDir = Directory.CreateTempSubdirectory("partuploader-bench-").FullName;
        var summaries = new List<CaseSummary>();
        var rawResults = new List<CaseResult>();
        var publish = new List<PublishSummary>();
        try
        {
            await using BlobEmulator emulator = await BlobEmulator.StartAsync(EmulatorOptions(https: false));
            string token = emulator.IssueAccessToken();
            Console.WriteLine(Invariant($"Emulator in this process at {emulator.ServiceUrl} (discard mode, 256 KiB Kestrel pool blocks); each client runs in a child process."));

            // The TLS scenarios talk to a second emulator, the same but on HTTPS; the client trusts exactly its certificate.
            bool anyTls = settings.Scenarios.Any(IsTlsScenario);
            await using BlobEmulator? tlsEmulator = anyTls ? await BlobEmulator.StartAsync(EmulatorOptions(https: true)) : null;
            string? tlsToken = tlsEmulator?.IssueAccessToken();
            if (tlsEmulator is not null)
            {
                Console.WriteLine(Invariant($"HTTPS emulator in this process at {tlsEmulator.ServiceUrl} (the same options; HTTP/1.1 over TLS, self-signed ECDSA P-256 certificate) for {RawTls} and {SdkFileTls}."));
            }

            Console.WriteLine();

            foreach (string scenario in settings.Scenarios)
            {
                foreach (CaseSpec spec in await PlanAsync(scenario))
                {
                    BlobEmulator target = spec.Tls ? tlsEmulator! : emulator;
                    bool wan = spec.CapBytesPerSecond is not null;
                    target.Options.BandwidthBytesPerSecondPerConnection = spec.CapBytesPerSecond;
                    target.Options.Latency = wan ? TimeSpan.FromMilliseconds(spec.LatencyMs) : null;
                    DateTimeOffset caseStart = DateTimeOffset.UtcNow;
                    if (scenario == "publish")
                    {
                        // Its figures come from the journal: start each case with room for every request of it.
                        emulator.Journal.Clear();
                    }

                    if (scenario == BusyScenario.Name)
                    {
                        BusyScenario.Prepare(emulator, spec);
                    }

                    Console.Write(Invariant($"  {spec.Scenario,-12} {spec.Case,-10} {FormatBytes(spec.Bytes),10} x{spec.Repetitions} ... "));
                    CaseResult result = await RunChildAsync(spec, target, spec.Tls ? tlsToken! : token);
                    bool? serverUnique = null;
                    if (scenario == "parts10k")
                    {
                        serverUnique = emulator.Uploads.Where(u => u.CreatedAt >= caseStart.AddSeconds(-1))
                            .All(u => u.PartNumbersReceived.Distinct().Count() == u.PartNumbersReceived.Count);
                    }

                    rawResults.Add(result);
                    if (scenario == "publish")
                    {
                        publish.Add(PublishScenario.Summarize(result, emulator.Journal.Entries));
                    }

                    CaseSummary summary = Summarize(result, serverUnique) with { ServerCapacity = spec.ServerCapacity, Kind = spec.Kind, Tls = spec.Tls, Checked = AllocationCheck.Applies(spec) };
                    if (scenario == BusyScenario.Name)
                    {
                        summary = BusyScenario.Complete(emulator, summary);
                    }

                    summaries.Add(summary);
                    Console.WriteLine(result.Error is null ? Invariant($"{summary.MegabytesPerSecond,8:F0} MB/s") : "FAILED: " + result.Error);
                }

                emulator.Options.BandwidthBytesPerSecondPerConnection = null;
                emulator.Options.Latency = null;
            }
        }
        finally
        {
            try
            {
                Directory.Delete(_workDir, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        summaries = AddRatios(summaries);
        summaries = [.. summaries.Select(s => BatchScenario.WithRatios(BusyScenario.WithRatio(s, summaries), summaries))];
        machine.LoadAverageAtEnd = MachineFacts.LoadAverage();
        Console.WriteLine();
        Report.PrintTable(summaries);
        publish = PublishScenario.AddRatios(publish);
        PublishScenario.PrintTable(publish);
        BusyScenario.PrintTable(summaries);
        BatchScenario.PrintTable(summaries);
        PrintTlsRatio(summaries);
        Console.WriteLine(Invariant($"Load average at start {machine.LoadAverageAtStart}, at end {machine.LoadAverageAtEnd}."));

        if (settings.JsonPath is not null)
        {
            var report = new BenchReport
            {
                Command = settings.CommandLine,
                StartedAt = startedAt,
                Machine = machine,
                RssMethod = "Each client workload runs in a child process without the emulator; peak RSS is that process's VmHWM, reset before each repetition through /proc/self/clear_refs; RSS over budget = peak RSS - the process's RSS at start - MaxBufferedBytes.",
                Cases = summaries,
                // The source files were temporary; their paths say nothing about the results.
                Raw = rawResults.Select(r => r with { Spec = r.Spec with { FilePath = null, WarmupFilePath = null } }).ToList(),
                Micro = settings.MicroResults,
                Publish = publish.Count > 0 ? publish : null,
            };
            await File.WriteAllTextAsync(settings.JsonPath, JsonSerializer.Serialize(report, BenchJsonContext.Default.BenchReport));
            Console.WriteLine("JSON written to " + settings.JsonPath);
        }

        if (summaries.Any(s => s.Error is not null))
        {
            return 1;
        }

        return settings.Check && !AllocationCheck.Run(summaries) ? 3 : 0;
    }

    private static BlobEmulatorOptions EmulatorOptions(bool https) => new()
    {
        DiscardData = true,
        LargeMemoryPoolBlocks = true,
        ProcessingDelay = TimeSpan.Zero,
        TokenLifetime = TimeSpan.FromHours(24),
        UseHttps = https,
    };

    private static bool IsTlsScenario(string scenario) => scenario is RawTls or SdkFileTls;

    /// <summary>The fastest raw variant of a scenario in this run (c=8 or 64K writes): the limit every ratio is taken against.</summary>
    private static CaseSummary? BestRaw(IEnumerable<CaseSummary> summaries, string scenario) =>
        summaries.Where(s => s.Scenario == scenario && s.Error is null).MaxBy(s => s.MegabytesPerSecond);

    /// <summary>Prints sdk-file-tls / raw-tls of this run (and sdk-file / raw beside it when both ran), the TLS figure to quote.</summary>
    private static void PrintTlsRatio(IReadOnlyList<CaseSummary> summaries)
    {
        CaseSummary? rawTls = BestRaw(summaries, RawTls);
        CaseSummary? sdkTls = summaries.FirstOrDefault(s => s.Scenario == SdkFileTls && s.Error is null);
        if (rawTls is null || sdkTls is null)
        {
            return;
        }

        CaseSummary? raw = BestRaw(summaries, "raw");
        CaseSummary? sdk = summaries.FirstOrDefault(s => s.Scenario == "sdk-file" && s.Case == "CRC-32C" && s.Error is null);
        string plain = raw is not null && sdk is not null
            ? Invariant($"; over plain HTTP in this run, sdk-file / best raw ({raw.Case}) = {sdk.MegabytesPerSecond / raw.MegabytesPerSecond:F2} ({sdk.MegabytesPerSecond:F0} / {raw.MegabytesPerSecond:F0} MB/s)")
            : "";
        Console.WriteLine(Invariant($"TLS: sdk-file-tls / best raw-tls ({rawTls.Case}) = {sdkTls.MegabytesPerSecond / rawTls.MegabytesPerSecond:F2} ({sdkTls.MegabytesPerSecond:F0} / {rawTls.MegabytesPerSecond:F0} MB/s; client CPU {sdkTls.CpuSecondsPerGB:F2} / {rawTls.CpuSecondsPerGB:F2} s/GB){plain}."));
    }

    private async Task<List<CaseSpec>> PlanAsync(string scenario)
    {
        long main = MainBytes;
        long warm = Math.Min(main, 256 * MiB);
        int reps = Repetitions;
        switch (scenario)
        {
            case "raw":
                return
                [
                    new CaseSpec { Scenario = "raw", Case = "c=8", Kind = "raw", Bytes = main, WarmupBytes = warm, Repetitions = reps, PartSize = PartSize, Concurrency = 8, Digest = DigestAlgorithm.None },
                    // The same with the body written 64 KiB at a time (the SDK's segment size): what the write size alone costs.
                    new CaseSpec { Scenario = "raw", Case = "64K writes", Kind = "raw", Bytes = main, WarmupBytes = warm, Repetitions = reps, PartSize = PartSize, Concurrency = 8, Digest = DigestAlgorithm.None, WriteChunk = 64 * 1024 },
                ];
            case RawTls:
            {
                List<CaseSpec> plain = await PlanAsync("raw");
                return [.. plain.Select(c => c with { Scenario = RawTls, Tls = true })];
            }

            case SdkFileTls:
            {
                CaseSpec crc = (await PlanAsync("sdk-file"))[0];
                return [crc with { Scenario = SdkFileTls, Tls = true }];
            }

            case "naive":
                return [new CaseSpec { Scenario = "naive", Case = "CRC-32C", Kind = "naive", Bytes = main, Repetitions = reps, PartSize = PartSize, Concurrency = 1, FilePath = await FileAsync(main, sparse: false), WarmupFilePath = await FileAsync(warm, sparse: false) }];
            case "sdk-file":
            {
                string file = await FileAsync(main, sparse: false);
                string warmFile = await FileAsync(warm, sparse: false);
                var cases = new List<CaseSpec>
                {
                    new() { Scenario = "sdk-file", Case = "CRC-32C", Kind = "sdk-file", Bytes = main, Repetitions = reps, FilePath = file, WarmupFilePath = warmFile },
                };
                foreach (DigestAlgorithm digest in new[] { DigestAlgorithm.Md5, DigestAlgorithm.Sha1, DigestAlgorithm.Sha256, DigestAlgorithm.None })
                {
                    cases.Add(new CaseSpec { Scenario = "sdk-file", Case = DigestName(digest), Kind = "sdk-file", Bytes = main, Repetitions = settings.Quick ? 1 : 3, Digest = digest, FilePath = file, WarmupFilePath = warmFile });
                }

                return cases;
            }

            case "sdk-stream":
                return [new CaseSpec { Scenario = "sdk-stream", Case = "CRC-32C", Kind = "sdk-stream", Bytes = main, Repetitions = reps, FilePath = await FileAsync(main, sparse: false), WarmupFilePath = await FileAsync(warm, sparse: false) }];
            case "scale":
            {
                long[] sizes = settings.Quick ? [256 * MiB] : [256 * MiB, 1 * GiB, 4 * GiB, 8 * GiB];
                var cases = new List<CaseSpec>();
                string warmFile = await FileAsync(256 * MiB, sparse: true);
                foreach (long size in sizes)
                {
                    // A 128 MiB budget binds at the default concurrency (8 x 16 MiB): every byte of it is used.
                    cases.Add(new CaseSpec { Scenario = "scale", Case = FormatBytes(size), Kind = "sdk-file", Bytes = size, Repetitions = settings.Quick ? 1 : 3, Budget = ScaleBudget, FilePath = await FileAsync(size, sparse: true), WarmupFilePath = warmFile });
                }

                return cases;
            }

            case "wan":
            {
                int partsPerConnection = settings.Quick ? 1 : 4;
                int[] levels = settings.Quick ? [1, 4] : [1, 2, 4, 8, 16];
                string warmFile = await FileAsync(PartSize, sparse: true);
                int wanReps = settings.Quick ? 1 : 3;
                var cases = new List<CaseSpec>
                {
                    new()
                    {
                        Scenario = "wan", Case = "naive", Kind = "naive", Bytes = partsPerConnection * PartSize, Repetitions = wanReps, PartSize = PartSize, Concurrency = 1,
                        FilePath = await FileAsync(partsPerConnection * PartSize, sparse: true), WarmupFilePath = warmFile, CapBytesPerSecond = WanCapBytesPerSecond, LatencyMs = WanLatencyMs,
                    },
                };
                foreach (int n in levels)
                {
                    // The warm-up sends one part per connection, so the buffers of all n are in the cache before measuring.
                    long bytes = partsPerConnection * n * PartSize;
                    cases.Add(new CaseSpec
                    {
                        Scenario = "wan", Case = Invariant($"sdk c={n}"), Kind = "sdk-file", Bytes = bytes, Repetitions = wanReps, PartSize = PartSize, Concurrency = n, ForceMultipart = true,
                        FilePath = await FileAsync(bytes, sparse: true), WarmupFilePath = await FileAsync(n * PartSize, sparse: true), CapBytesPerSecond = WanCapBytesPerSecond, LatencyMs = WanLatencyMs,
                    });
                }

                return cases;
            }

            case "parts10k":
            {
                // The 50 GB blob limit allows at most 9,536 parts of the 5 MiB minimum; a stream of unknown length
                // keeps 5 MiB parts only when the budget is one part (the schedule grows parts up to the budget).
                int parts = settings.Quick ? 200 : (int)(50_000_000_000L / Parts10kPartSize);
                long bytes = (parts * Parts10kPartSize) - 12_345;
                return [new CaseSpec
                {
                    Scenario = "parts10k", Case = Invariant($"{parts} parts"), Kind = "sdk-synthetic", Bytes = bytes, WarmupBytes = 4 * Parts10kPartSize, Repetitions = 1,
                    PartSize = Parts10kPartSize, Budget = Parts10kPartSize, Concurrency = 1, ForceMultipart = true,
                }];
            }

            case "publish":
                return PublishScenario.Plan(_workDir, settings);

            case BatchScenario.Name:
                return BatchScenario.Plan(_workDir, settings.Quick);

            case BusyScenario.Name:
                return BusyScenario.Plan(await FileAsync(BusyScenario.FileBytes, sparse: true), WanCapBytesPerSecond, WanLatencyMs, settings.Quick);

            default:
                throw new ArgumentException("Unknown scenario " + scenario);
        }
    }

    private static string DigestName(DigestAlgorithm digest) => digest switch
    {
        DigestAlgorithm.Crc32C => "CRC-32C",
        DigestAlgorithm.Md5 => "MD5",
        DigestAlgorithm.Sha1 => "SHA1",
        DigestAlgorithm.Sha256 => "SHA256",
        _ => "none",
    };

    /// <summary>A file of <paramref name="size"/> bytes: random data written once (page cache warm), or sparse (holes read as zeros, no disk I/O).</summary>
    private async Task<string> FileAsync(long size, bool sparse)
    {
        if (_files.TryGetValue((size, sparse), out string? existing))
        {
            return existing;
        }

        string path = Path.Combine(_workDir, Invariant($"{(sparse ? "sparse" : "random")}-{size}.bin"));
        await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 0))
        {
            if (sparse)
            {
                file.SetLength(size);
            }
            else
            {
                byte[] chunk = new byte[4 * MiB];
                var random = new Random(20261125);
                for (long written = 0; written < size; written += chunk.Length)
                {
                    random.NextBytes(chunk);
                    await file.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, size - written)));
                }
            }
        }

        _files[(size, sparse)] = path;
        return path;
    }

    private static async Task<CaseResult> RunChildAsync(CaseSpec spec, BlobEmulator emulator, string token)
    {
        string exe = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(exe) { RedirectStandardOutput = true, UseShellExecute = false };
        if (string.Equals(Path.GetFileNameWithoutExtension(exe), "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(Runner).Assembly.Location);
        }

        start.ArgumentList.Add("--client");
        start.ArgumentList.Add(ClientHost.Encode(spec));
        start.Environment["BENCH_BLOB_BASE_URL"] = emulator.GetBlobBaseUrl().ToString();
        start.Environment["BENCH_TOKEN"] = token;
        start.Environment["BENCH_LAYER"] = emulator.DefaultLayerId;
        start.Environment["BENCH_LOOKUP_URL"] = emulator.LookupUrl.ToString();
        start.Environment["BENCH_CATALOG_HRN"] = emulator.DefaultCatalogHrn;
        if (emulator.Certificate is not null)
        {
            start.Environment["BENCH_TLS_SHA256"] = emulator.Certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256);
        }

        using Process child = Process.Start(start) ?? throw new InvalidOperationException("Cannot start the client process.");
        CaseResult? result = null;
        while (await child.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith(ClientHost.ResultPrefix, StringComparison.Ordinal))
            {
                result = JsonSerializer.Deserialize(line[ClientHost.ResultPrefix.Length..], BenchJsonContext.Default.CaseResult);
            }
        }

        await child.WaitForExitAsync();
        return result ?? new CaseResult { Spec = spec, Repetitions = [], Error = Invariant($"the client process exited with {child.ExitCode} and no result") };
    }

    private static CaseSummary Summarize(CaseResult result, bool? serverUnique)
    {
        CaseSpec spec = result.Spec;
        List<RepResult> reps = result.Repetitions;
        if (reps.Count == 0)
        {
            return new CaseSummary { Scenario = spec.Scenario, Case = spec.Case, Bytes = spec.Bytes, Error = result.Error ?? "no repetition" };
        }

        double seconds = Median(reps.Select(r => r.Seconds));
        double mib = spec.Bytes / (double)MiB;
        int parts = reps[0].Parts;
        long peak = reps.Max(r => r.PeakRssBytes);
        long budget = spec.Kind.StartsWith("sdk", StringComparison.Ordinal) ? spec.Budget : 0;
        double cpu = Median(reps.Select(r => r.CpuSeconds));
        return new CaseSummary
        {
            Scenario = spec.Scenario,
            Case = spec.Case,
            Bytes = spec.Bytes,
            Parts = parts,
            Concurrency = spec.Concurrency,
            PartSize = spec.PartSize,
            Digest = spec.Kind == "raw" ? "none" : DigestName(spec.Digest),
            Repetitions = reps.Count,
            Seconds = seconds,
            MegabytesPerSecond = spec.Bytes / 1e6 / seconds,
            MinMegabytesPerSecond = spec.Bytes / 1e6 / reps.Max(r => r.Seconds),
            MaxMegabytesPerSecond = spec.Bytes / 1e6 / reps.Min(r => r.Seconds),
            CapMegabytesPerSecond = spec.CapBytesPerSecond is long cap ? cap / 1e6 * (spec.Kind == "naive" ? 1 : spec.Concurrency) : null,
            PeakRssBytes = peak,
            RssBeforeBytes = (long)Median(reps.Select(r => (double)r.RssBeforeBytes)),
            BudgetBytes = budget,
            PeakRssOverBudgetBytes = budget > 0 ? peak - result.RssAtStartBytes - budget : 0,
            RssAtStartBytes = result.RssAtStartBytes,
            AllocatedBytesPerMiB = Median(reps.Select(r => (double)r.AllocatedBytes)) / mib,
            LohBytesPerMiB = Median(reps.Select(r => (double)r.LohBytesSampled)) / mib,
            CpuSecondsPerGB = cpu / (spec.Bytes / 1e9),
            Gen2Collections = reps.Max(r => r.Gen2Collections),
            PartNumbersUnique = reps.All(r => r.PartNumbersUnique),
            WallMicrosecondsPerPart = parts > 0 ? seconds / parts * 1e6 : 0,
            CpuMicrosecondsPerPart = parts > 0 ? cpu / parts * 1e6 : 0,
            ServerPartNumbersUnique = serverUnique,
            Error = result.Error,
        };
    }

    private static List<CaseSummary> AddRatios(List<CaseSummary> summaries)
    {
        // Every ratio is against the fastest raw variant of the same run (c=8 or 64K writes), the limit on this machine.
        double? raw = BestRaw(summaries, "raw")?.MegabytesPerSecond;
        double? rawTls = BestRaw(summaries, RawTls)?.MegabytesPerSecond;
        double? naive = summaries.FirstOrDefault(s => s.Scenario == "naive" && s.Error is null)?.MegabytesPerSecond;
        double? wanNaive = summaries.FirstOrDefault(s => s.Scenario == "wan" && s.Case == "naive" && s.Error is null)?.MegabytesPerSecond;
        return summaries.Select(s =>
        {
            if (s.Error is not null)
            {
                return s;
            }

            bool isWan = s.Scenario == "wan";

            // TLS cases compare with raw-tls (the same transport); there is no naive over TLS.
            double? against = s.Tls ? null : isWan ? wanNaive : naive;
            double? rawBaseline = s.Tls ? rawTls : isWan ? null : raw;
            return s with
            {
                RatioVsRaw = rawBaseline is double r ? s.MegabytesPerSecond / r : null,
                RatioVsNaive = against is double n ? s.MegabytesPerSecond / n : null,
                RatioVsCap = s.CapMegabytesPerSecond is double cap ? s.MegabytesPerSecond / cap : null,
            };
        }).ToList();
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    public static string FormatBytes(long bytes) =>
        bytes >= GiB && bytes % GiB == 0 ? Invariant($"{bytes / GiB} GiB")
        : bytes >= MiB && bytes % MiB == 0 ? Invariant($"{bytes / MiB} MiB")
        : bytes >= 10 * GiB ? Invariant($"{bytes / 1e9:F1} GB")
        : Invariant($"{bytes / (double)MiB:F1} MiB");
}
