using System.Text.Json.Serialization;

namespace PartUploader.Benchmarks;

/// <summary>What the client process does: one workload, a warm-up, then measured repetitions.</summary>
internal sealed record CaseSpec
{
    /// <summary>The scenario name shown in the table (raw, naive, sdk-file, ...; raw-tls and sdk-file-tls over HTTPS).</summary>
    public required string Scenario { get; init; }

    /// <summary>The case within the scenario (for example "CRC-32C", "c=4", "1 GiB").</summary>
    public required string Case { get; init; }

    /// <summary>raw | naive | sdk-file | sdk-stream | sdk-synthetic.</summary>
    public required string Kind { get; init; }

    public required long Bytes { get; init; }

    public long WarmupBytes { get; init; }

    public int Warmups { get; init; } = 1;

    /// <summary>Warm up beyond <see cref="Warmups"/> until the JIT settles (<see cref="JitWarmup"/>); off with --cold or --quick, and for publish (its figures come from the emulator's journal, whose room is per case).</summary>
    public bool SettleJit { get; init; } = true;

    public int Repetitions { get; init; } = 3;

    public long? PartSize { get; init; }

    public int Concurrency { get; init; } = 8;

    public long Budget { get; init; } = 256L * 1024 * 1024;

    public DigestAlgorithm Digest { get; init; } = DigestAlgorithm.Crc32C;

    public bool ForceMultipart { get; init; }

    /// <summary>raw only: write each part to the connection in chunks of this many bytes (0: one write per part).</summary>
    public int WriteChunk { get; init; }

    /// <summary>The source file (raw and sdk-synthetic need none).</summary>
    public string? FilePath { get; init; }

    /// <summary>A file for the warm-up (a smaller one than <see cref="FilePath"/>), or null to use the same.</summary>
    public string? WarmupFilePath { get; init; }

    /// <summary>The per-connection bandwidth cap in force in the emulator (reported, not applied here), in bytes per second.</summary>
    public long? CapBytesPerSecond { get; init; }

    public int LatencyMs { get; init; }

    /// <summary>Over HTTPS to the emulator's second instance (UseHttps), the client trusting exactly its certificate: raw-tls and sdk-file-tls.</summary>
    public bool Tls { get; init; }

    /// <summary>publish only: <see cref="PublishOptions.PartitionsPerRequest"/> (null for the batch-upload baseline and the other kinds).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? PartitionsPerRequest { get; init; }

    /// <summary>busy only: the emulator's capacity switch (blob requests in flight; 503 with Retry-After beyond).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ServerCapacity { get; init; }
}

/// <summary>One measured repetition, as the client process saw it.</summary>
internal sealed record RepResult
{
    public double Seconds { get; init; }

    public double CpuSeconds { get; init; }

    /// <summary>Time the JIT spent compiling during the repetition (all threads, <c>JitInfo.GetCompilationTime</c>), part of <see cref="CpuSeconds"/>.</summary>
    public double JitSeconds { get; init; }

    /// <summary>The parent process's CPU over the repetition (the emulators serving it; set by the parent, null where its markers were not seen).</summary>
    public double? ServerCpuSeconds { get; init; }

    /// <summary>Methods the JIT compiled during the repetition (tier-0, tier-1 and on-stack replacement alike).</summary>
    public long JitMethods { get; init; }

    public long AllocatedBytes { get; init; }

    public long LohBytesSampled { get; init; }

    public long PeakRssBytes { get; init; }

    public long RssBeforeBytes { get; init; }

    public int Gen2Collections { get; init; }

    public int Gen0Collections { get; init; }

    public int ThreadPoolThreads { get; init; }

    /// <summary>GC.GetGCMemoryInfo() after the repetition: the managed heap's size and what the GC has committed.</summary>
    public long GcHeapBytes { get; init; }

    public long GcCommittedBytes { get; init; }

    /// <summary>/proc/self/status RssAnon before and after the repetition, and RssFile and RssShmem after it: which kind of page the RSS growth is.</summary>
    public long RssAnonBeforeBytes { get; init; }

    public long RssAnonAfterBytes { get; init; }

    public long RssFileAfterBytes { get; init; }

    public long RssShmemAfterBytes { get; init; }

    public int Parts { get; init; }

    public bool PartNumbersUnique { get; init; }

    public int Retries { get; init; }

    /// <summary>publish and publish-batch only: the repetition's window and the client's own timings.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PublishClientFigures? Publish { get; init; }
}

/// <summary>What the client process reports for one case.</summary>
internal sealed record CaseResult
{
    public required CaseSpec Spec { get; init; }

    public required List<RepResult> Repetitions { get; init; }

    /// <summary>Warm-up uploads done before the repetitions, their seconds, and the methods the last one compiled.</summary>
    public int Warmups { get; init; }

    public double WarmupSeconds { get; init; }

    public long WarmupLastJitMethods { get; init; }

    public bool PeakRssPerRepetition { get; init; }

    /// <summary>The client process's RSS when it started, before any upload (the runtime's own share).</summary>
    public long RssAtStartBytes { get; init; }

    public string? Error { get; init; }
}

/// <summary>The medians of one case, with the ratios against the baselines of the same run.</summary>
internal sealed record CaseSummary
{
    public required string Scenario { get; init; }

    public required string Case { get; init; }

    /// <summary>The workload (raw, naive, sdk-file, sdk-stream, sdk-synthetic, sdk-batch, publish, ...).</summary>
    public string Kind { get; init; } = "";

    /// <summary>Over HTTPS (raw-tls, sdk-file-tls).</summary>
    public bool Tls { get; init; }

    /// <summary>Whether <c>--check</c> applies to this case: an SDK upload of one blob in parts, measured after a warm-up.</summary>
    public bool Checked { get; init; }

    public required long Bytes { get; init; }

    public int Parts { get; init; }

    public int Concurrency { get; init; }

    public long? PartSize { get; init; }

    public string Digest { get; init; } = "";

    public int Repetitions { get; init; }

    public double Seconds { get; init; }

    public double MegabytesPerSecond { get; init; }

    public double MinMegabytesPerSecond { get; init; }

    public double MaxMegabytesPerSecond { get; init; }

    /// <summary>Throughput over the fastest raw variant of the same run (c=8 or 64K writes); for the TLS scenarios, over the fastest raw-tls variant (the same transport).</summary>
    public double? RatioVsRaw { get; init; }

    public double? RatioVsNaive { get; init; }

    public double? RatioVsCap { get; init; }

    public double? CapMegabytesPerSecond { get; init; }

    public long PeakRssBytes { get; init; }

    public long RssBeforeBytes { get; init; }

    public long BudgetBytes { get; init; }

    /// <summary>Peak RSS minus the process's RSS at start minus the budget: what the upload added beyond its budget.</summary>
    public long PeakRssOverBudgetBytes { get; init; }

    public long RssAtStartBytes { get; init; }

    public double AllocatedBytesPerMiB { get; init; }

    public double LohBytesPerMiB { get; init; }

    public double CpuSecondsPerGB { get; init; }

    /// <summary>JIT time per GB inside the repetitions (median; wall time on the compiling threads, so at most the JIT's CPU).</summary>
    public double JitSecondsPerGB { get; init; }

    /// <summary>The emulator's (the parent process's) CPU per GB over the repetitions, median: with the client's, whether two cores were the limit.</summary>
    public double? ServerCpuSecondsPerGB { get; init; }

    /// <summary>Client and server CPU over the repetition's wall time, median: 2.0 is both cores of this machine busy.</summary>
    public double? CoresBusy { get; init; }

    /// <summary>Methods compiled per repetition (median).</summary>
    public double JitMethodsPerRepetition { get; init; }

    /// <summary>Warm-up uploads before the repetitions, and the methods the last of them compiled.</summary>
    public int Warmups { get; init; }

    public long WarmupLastJitMethods { get; init; }

    public int Gen2Collections { get; init; }

    public bool PartNumbersUnique { get; init; } = true;

    public double WallMicrosecondsPerPart { get; init; }

    public double CpuMicrosecondsPerPart { get; init; }

    /// <summary>For parts10k: every part number the emulator received was distinct (null when not checked).</summary>
    public bool? ServerPartNumbersUnique { get; init; }

    /// <summary>batch only: files (blobs) uploaded per second.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? FilesPerSecond { get; init; }

    /// <summary>busy only: the emulator's capacity C.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ServerCapacity { get; init; }

    /// <summary>busy only: answers the emulator throttled over all repetitions.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? ThrottledAnswers { get; init; }

    /// <summary>busy only: <see cref="ThrottledAnswers"/> per part uploaded (parts x repetitions).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ThrottledPerPart { get; init; }

    /// <summary>busy only: throughput over the same upload at MaxConcurrency = C against the same capacity, same run.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? RatioVsCapacityBaseline { get; init; }

    public string? Error { get; init; }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(CaseSpec))]
[JsonSerializable(typeof(CaseResult))]
[JsonSerializable(typeof(BenchReport))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;

/// <summary>The whole --json document.</summary>
internal sealed record BenchReport
{
    public required string Command { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required MachineInfo Machine { get; init; }

    public required string RssMethod { get; init; }

    public List<CaseSummary> Cases { get; init; } = [];

    public List<CaseResult> Raw { get; init; } = [];

    public List<MicroResult> Micro { get; init; } = [];

    /// <summary>Issue 14's CPU goal for sdk-file with its baselines (absent unless raw and sdk-file ran).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CpuGoal? CpuGoal { get; init; }

    /// <summary>The publish scenario's figures (absent when it did not run).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<PublishSummary>? Publish { get; init; }
}

internal sealed record MachineInfo
{
    public required string Os { get; init; }

    public required string Runtime { get; init; }

    public required int ProcessorCount { get; init; }

    public required string Cpu { get; init; }

    public required long TotalMemoryBytes { get; init; }

    public required string LoadAverageAtStart { get; init; }

    public string? LoadAverageAtEnd { get; set; }
}

internal sealed record MicroResult
{
    public required string Benchmark { get; init; }

    public required string Parameter { get; init; }

    public double MeanNanoseconds { get; init; }

    public double? GigabytesPerSecond { get; init; }

    public long? AllocatedBytesPerOperation { get; init; }

    public double? AllocatedBytesPerPart { get; init; }
}
