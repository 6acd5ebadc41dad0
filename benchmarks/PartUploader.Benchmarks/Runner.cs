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


    // The TLS scenarios add three cases the size of raw's and sdk-file's (a 256 MiB warm-up and five 1 GiB repetitions
    // each); judged from quick runs on this machine, that is a small share of a default run's several minutes.
    public static readonly string[] DefaultScenarios = ["raw", "naive", "sdk-file", "sdk-stream", "scale", "wan", RawTls, SdkFileTls];
    public static readonly string[] AllScenarios = ["raw", "naive", "sdk-file", "sdk-stream", "scale", "wan", RawTls, SdkFileTls, "parts10k", "publish", BusyScenario.Name, BatchScenario.Name];

    /// <summary>raw over HTTPS: the same cases as raw, to the HTTPS emulator.</summary>
    public const string RawTls = "raw-tls";

    /// <summary>sdk-file over HTTPS: its CRC-32C case (the default options), to the HTTPS emulator.</summary>
    public const string SdkFileTls = "sdk-file-tls";

    public async Task<int> RunAsync()
    {
        var startedAt = DateTimeOffset.UtcNow;
        MachineInfo machine = MachineFacts.Read();
        Console.WriteLine(Invariant($"PartUploader benchmarks: {string.Join(' ', settings.Scenarios)}{(settings.Quick ? " (quick)" : "")}"));
        Console.WriteLine(Invariant($"Machine: {machine.Cpu}, {machine.ProcessorCount} cores, {machine.TotalMemoryBytes / GiB} GiB, {machine.Os}, .NET {machine.Runtime}; load average {machine.LoadAverageAtStart}"));

        var planner = new CasePlanner(settings, Directory.CreateTempSubdirectory("partuploader-bench-").FullName);
        var summaries = new List<CaseSummary>();
        var rawResults = new List<CaseResult>();
        var publish = new List<PublishSummary>();
        CpuGoal? cpuGoal = null;
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
                foreach (CaseSpec spec in await planner.PlanAsync(scenario))
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
                    CaseResult result = await RunChildAsync(spec with { SettleJit = !settings.Cold && !settings.Quick && !spec.Kind.StartsWith("publish", StringComparison.Ordinal) }, target, spec.Tls ? tlsToken! : token, settings.ClientEnvironment);
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
                    Console.WriteLine(result.Error is null ? Invariant($"{summary.MegabytesPerSecond,8:F0} MB/s  ({(result.Warmups == 0 ? "no warm-up" : Invariant($"{result.Warmups} warm-ups in {result.WarmupSeconds:F1} s, the last compiled {result.WarmupLastJitMethods} methods"))})") : "FAILED: " + result.Error);
                }

                emulator.Options.BandwidthBytesPerSecondPerConnection = null;
                emulator.Options.Latency = null;
            }

            cpuGoal = MeasureCpuGoal(summaries, planner);
        }
        finally
        {
            try
            {
                Directory.Delete(planner.WorkDirectory, recursive: true);
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
        if (cpuGoal is not null)
        {
            Console.WriteLine(cpuGoal.Describe());
        }

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
                CpuGoal = cpuGoal,
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

    /// <summary>The CPU goal of issue 14 when sdk-file (CRC-32C) and raw both ran: the read and CRC-32C baselines measured now, on sdk-file's file.</summary>
    private static CpuGoal? MeasureCpuGoal(IReadOnlyList<CaseSummary> summaries, CasePlanner planner)
    {
        CaseSummary? raw = BestRaw(summaries, "raw");
        CaseSummary? sdk = summaries.FirstOrDefault(s => s.Scenario == "sdk-file" && s.Case == "CRC-32C" && s.Error is null);
        if (raw is null || sdk is null || planner.MainFile is not { } file)
        {
            return null;
        }

        (double read, double crc) = CpuGoal.MeasureBaselines(file, planner.Repetitions);
        return new CpuGoal
        {
            RawCase = raw.Case,
            RawCpuSecondsPerGB = raw.CpuSecondsPerGB,
            FileReadCpuSecondsPerGB = read,
            Crc32CCpuSecondsPerGB = crc,
            SdkFileCpuSecondsPerGB = sdk.CpuSecondsPerGB,
        };
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

    private static async Task<CaseResult> RunChildAsync(CaseSpec spec, BlobEmulator emulator, string token, IReadOnlyDictionary<string, string> clientEnvironment)
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
        foreach ((string name, string value) in clientEnvironment)
        {
            start.Environment[name] = value;
        }

        if (emulator.Certificate is not null)
        {
            start.Environment["BENCH_TLS_SHA256"] = emulator.Certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256);
        }

        using Process child = Process.Start(start) ?? throw new InvalidOperationException("Cannot start the client process.");
        CaseResult? result = null;
        var serverCpu = new Dictionary<int, double>();
        (int Index, TimeSpan Cpu)? begun = null;
        while (await child.StandardOutput.ReadLineAsync() is { } line)
        {
            if (begun is null && MarkerIndex(line, ClientHost.RepetitionBegins) is int first)
            {
                begun = (first, OwnCpu());
            }
            else if (begun is { } open && MarkerIndex(line, ClientHost.RepetitionEnds) == open.Index)
            {
                serverCpu[open.Index] = (OwnCpu() - open.Cpu).TotalSeconds;
                begun = null;
            }
            else if (line.StartsWith(ClientHost.ResultPrefix, StringComparison.Ordinal))
            {
                result = JsonSerializer.Deserialize(line[ClientHost.ResultPrefix.Length..], BenchJsonContext.Default.CaseResult);
            }
        }

        await child.WaitForExitAsync();
        if (result is not null)
        {
            result = result with { Repetitions = [.. result.Repetitions.Select((r, i) => r with { ServerCpuSeconds = serverCpu.TryGetValue(i, out double s) ? s : null })] };
        }

        return result ?? new CaseResult { Spec = spec, Repetitions = [], Error = Invariant($"the client process exited with {child.ExitCode} and no result") };
    }

    private static int? MarkerIndex(string line, string what) =>
        line.StartsWith("REPETITION ", StringComparison.Ordinal) && line.EndsWith(" " + what, StringComparison.Ordinal)
        && int.TryParse(line.AsSpan(11, line.Length - 12 - what.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int index) ? index : null;

    /// <summary>This process's CPU time: the emulator's, since the runner itself only waits while a case runs.</summary>
    private static TimeSpan OwnCpu()
    {
        using Process self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
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
            Digest = spec.Kind == "raw" ? "none" : CasePlanner.DigestName(spec.Digest),
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
            JitSecondsPerGB = Median(reps.Select(r => r.JitSeconds)) / (spec.Bytes / 1e9),
            ServerCpuSecondsPerGB = reps.All(r => r.ServerCpuSeconds is not null) ? Median(reps.Select(r => r.ServerCpuSeconds!.Value)) / (spec.Bytes / 1e9) : null,
            CoresBusy = reps.All(r => r.ServerCpuSeconds is not null) ? Median(reps.Select(r => (r.CpuSeconds + r.ServerCpuSeconds!.Value) / r.Seconds)) : null,
            JitMethodsPerRepetition = Median(reps.Select(r => (double)r.JitMethods)),
            Warmups = result.Warmups,
            WarmupLastJitMethods = result.WarmupLastJitMethods,
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
