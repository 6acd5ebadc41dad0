using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text;
using System.Text.Json;
using static System.FormattableString;

namespace PartUploader.Benchmarks;

/// <summary>
/// The client side of one case, in a process of its own (no emulator inside), so its RSS, CPU time
/// and allocations are the client's alone. Prints one <c>RESULT {json}</c> line.
/// </summary>
internal static class ClientHost
{
    public const string ResultPrefix = "RESULT ";

    /// <summary>Printed (as "REPETITION {i} BEGINS") just before and after each measured upload, so the parent can measure its own (the emulator's) CPU over it.</summary>
    public const string RepetitionBegins = "BEGINS";

    public const string RepetitionEnds = "ENDS";

    public static string Repetition(int index, string what) => Invariant($"REPETITION {index} {what}");

    public static async Task<int> RunAsync(string encodedSpec)
    {
        long rssAtStart = ReadStatus("VmRSS:");
        CaseSpec spec = JsonSerializer.Deserialize(Convert.FromBase64String(encodedSpec), BenchJsonContext.Default.CaseSpec)!;
        var baseUrl = new Uri(Environment.GetEnvironmentVariable("BENCH_BLOB_BASE_URL")!);
        string token = Environment.GetEnvironmentVariable("BENCH_TOKEN")!;
        string layer = Environment.GetEnvironmentVariable("BENCH_LAYER")!;

        using var lohListener = new LohAllocationListener();
        using HttpClient http = CreateHttpClient(Environment.GetEnvironmentVariable("BENCH_TLS_SHA256"));
        var workloads = new Workloads(http, baseUrl, token, layer);
        var batch = new BatchWorkload(http, baseUrl, token, layer);
        var client = new PartUploadClient(http, new PartUploadClientOptions
        {
            BaseUrl = baseUrl,
            MaxConcurrency = spec.Concurrency,
            PartSize = spec.PartSize,
            MaxBufferedBytes = spec.Budget,
            DigestAlgorithm = spec.Digest,
            SingleShotThreshold = Math.Min(spec.Budget, 50_000_000),

            // busy: throttled parts are retried, and the emulator in discard mode cannot serve the read-back of retried ranges.
            VerifyRetriedParts = spec.ServerCapacity is null,
        }, AccessTokenSource.FromToken(token));
        using PublishWorkload? publish = spec.Kind.StartsWith("publish", StringComparison.Ordinal)
            ? new PublishWorkload(spec, new Uri(Environment.GetEnvironmentVariable("BENCH_LOOKUP_URL")!), Environment.GetEnvironmentVariable("BENCH_CATALOG_HRN")!, layer, token)
            : null;

        Func<long, string?, Task<UploadOutcome>> run = spec.Kind switch
        {
            "raw" => (bytes, _) => workloads.RawAsync(bytes, spec.PartSize ?? 16L * 1024 * 1024, spec.Concurrency, spec.WriteChunk, CancellationToken.None),
            "naive" => (_, path) => workloads.NaiveAsync(path!, spec.PartSize ?? 16L * 1024 * 1024, CancellationToken.None),
            "sdk-file" => (_, path) => workloads.SdkAsync(o => client.UploadAsync(path!, o), spec.ForceMultipart),
            "sdk-stream" => async (_, path) =>
            {
                await using var stream = new NonSeekableStream(new FileStream(path!, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, useAsync: true));
                return await workloads.SdkAsync(o => client.UploadAsync(stream, o), spec.ForceMultipart);
            },
            "sdk-synthetic" => async (bytes, _) =>
            {
                await using var stream = new SyntheticStream(bytes);
                return await workloads.SdkAsync(o => client.UploadAsync(stream, o), spec.ForceMultipart);
            },
            "publish" => (_, directory) => publish!.PublishAsync(directory!),
            "publish-batch" => (_, directory) => publish!.UploadBatchAsync(directory!),
            "batch-naive" => (_, directory) => batch.NaiveAsync(directory!, CancellationToken.None),
            "batch-raw" => (_, directory) => batch.RawAsync(directory!, spec.Concurrency, CancellationToken.None),
            "sdk-batch" => (_, directory) => BatchWorkload.SdkAsync(client, layer, directory!, CancellationToken.None),
            _ => throw new ArgumentException("Unknown kind " + spec.Kind),
        };

        var reps = new List<RepResult>();
        bool perRepPeak = true;
        string? error = null;
        JitWarmup.Outcome warmup = default;
        try
        {
            warmup = await JitWarmup.RunAsync(spec, () => run(spec.WarmupBytes > 0 ? spec.WarmupBytes : spec.Bytes, spec.WarmupFilePath ?? spec.FilePath));

            for (int i = 0; i < spec.Repetitions; i++)
            {
                // A full collection between repetitions, as between two uploads of a long-running service.
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                perRepPeak &= ResetPeakRss();
                long rssBefore = ReadStatus("VmRSS:");
                long rssAnonBefore = ReadStatus("RssAnon:");
                int gen2Before = GC.CollectionCount(2);
                int gen0Before = GC.CollectionCount(0);
                long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
                long lohBefore = lohListener.LargeBytes;
                lohListener.ClearJitted();
                await Console.Out.WriteLineAsync(Repetition(i, RepetitionBegins));
                TimeSpan cpuBefore = CpuTime();
                JitWarmup.Mark jitBefore = JitWarmup.Now();
                long started = Stopwatch.GetTimestamp();

                UploadOutcome outcome = await run(spec.Bytes, spec.FilePath);

                double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                TimeSpan cpu = CpuTime() - cpuBefore;
                JitWarmup.Mark jit = JitWarmup.Now() - jitBefore;
                await Console.Out.WriteLineAsync(Repetition(i, RepetitionEnds));
                if (LohAllocationListener.JitNames)
                {
                    // Opt-in diagnosis (not part of the report): what the JIT compiled during this repetition.
                    foreach ((string method, int times) in lohListener.TakeJitted(30))
                    {
                        await Console.Error.WriteLineAsync(Invariant($"jit {spec.Scenario} {spec.Case} repetition {i}: {times} x {method}"));
                    }
                }

                long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
                long peakRss = ReadStatus("VmHWM:");
                GCMemoryInfo gcInfo = GC.GetGCMemoryInfo();
                reps.Add(new RepResult
                {
                    Seconds = seconds,
                    CpuSeconds = cpu.TotalSeconds,
                    JitSeconds = jit.Time.TotalSeconds,
                    JitMethods = jit.Methods,
                    AllocatedBytes = allocated,
                    LohBytesSampled = lohListener.LargeBytes - lohBefore,
                    PeakRssBytes = peakRss,
                    GcHeapBytes = gcInfo.HeapSizeBytes,
                    GcCommittedBytes = gcInfo.TotalCommittedBytes,
                    Gen0Collections = GC.CollectionCount(0) - gen0Before,
                    ThreadPoolThreads = ThreadPool.ThreadCount,
                    RssBeforeBytes = rssBefore,
                    RssAnonBeforeBytes = rssAnonBefore,
                    RssAnonAfterBytes = ReadStatus("RssAnon:"),
                    RssFileAfterBytes = ReadStatus("RssFile:"),
                    RssShmemAfterBytes = ReadStatus("RssShmem:"),
                    Gen2Collections = GC.CollectionCount(2) - gen2Before,
                    Parts = outcome.Parts,
                    PartNumbersUnique = outcome.PartNumbersUnique,
                    Retries = outcome.Retries,
                    Publish = publish?.Last,
                });
                if (outcome.Bytes != spec.Bytes)
                {
                    throw new InvalidOperationException($"Uploaded {outcome.Bytes} bytes, expected {spec.Bytes}.");
                }
            }
        }
#pragma warning disable CA1031 // The parent reports any failure of a case and goes on with the others.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            error = ex.GetType().Name + ": " + ex.Message;
            await Console.Error.WriteLineAsync(ex.ToString());
        }

        var result = new CaseResult
        {
            Spec = spec, Repetitions = reps, PeakRssPerRepetition = perRepPeak, RssAtStartBytes = rssAtStart, Error = error,
            Warmups = warmup.Count, WarmupSeconds = warmup.Seconds, WarmupLastJitMethods = warmup.LastMethods,
        };
        if (Environment.GetEnvironmentVariable("BENCH_ALLOC_TYPES") == "1")
        {
            // Opt-in diagnosis (not part of the report): which types the sampled allocation ticks of this case fell on.
            foreach ((string type, long bytes) in lohListener.TopTypes(20))
            {
                await Console.Error.WriteLineAsync(Invariant($"alloc-tick {spec.Scenario} {spec.Case}: {bytes / 1024,8} KiB sampled  {type}"));
            }
        }

        await Console.Out.WriteLineAsync(ResultPrefix + JsonSerializer.Serialize(result, BenchJsonContext.Default.CaseResult).ReplaceLineEndings(" "));
        return error is null ? 0 : 1;
    }

    /// <summary>
    /// The transport of every workload: the default one over plain HTTP; over HTTPS a <see cref="SocketsHttpHandler"/>
    /// (the same defaults) that trusts exactly the emulator's certificate, as README (Emulator, HTTPS) shows.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The HttpClient owns and disposes its handler.")]
    private static HttpClient CreateHttpClient(string? pinnedSha256)
    {
        if (string.IsNullOrEmpty(pinnedSha256))
        {
            return new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        }

        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            (errors & ~System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors) == System.Net.Security.SslPolicyErrors.None
            && certificate?.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256) == pinnedSha256;
        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    private static TimeSpan CpuTime()
    {
        using Process self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    /// <summary>Resets VmHWM (peak RSS) to the current RSS: writing 5 to /proc/self/clear_refs (Linux 4.0+).</summary>
    private static bool ResetPeakRss()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Reads a kB field of /proc/self/status, in bytes.</summary>
    public static long ReadStatus(string field)
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    string kb = line[field.Length..].Trim().Split(' ')[0];
                    return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return 0;
    }

    public static string Encode(CaseSpec spec) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(spec, BenchJsonContext.Default.CaseSpec)));
}

/// <summary>
/// Sums the GC's AllocationTick events of kind Large: one event per ~100 KB allocated on the large object heap,
/// so a sampled (not exact) count of LOH bytes. Zero means no LOH allocation at all.
/// </summary>
internal sealed class LohAllocationListener : EventListener
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _byType = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _jitted = new();
    private long _largeBytes;

    public long LargeBytes => Interlocked.Read(ref _largeBytes);

    /// <summary>Gets a value indicating whether the names of the methods the JIT compiles are collected (BENCH_JIT_NAMES=1).</summary>
    public static bool JitNames { get; } = Environment.GetEnvironmentVariable("BENCH_JIT_NAMES") == "1";

    /// <summary>Forgets the names collected so far (those of the warm-up and the previous repetition's bookkeeping).</summary>
    public void ClearJitted() => _jitted.Clear();

    /// <summary>Takes the names of the methods compiled since the last call, most compiled first.</summary>
    public IEnumerable<(string Method, int Times)> TakeJitted(int count)
    {
        var names = new List<string>();
        while (_jitted.TryDequeue(out string? name))
        {
            names.Add(name);
        }

        return names.GroupBy(n => n, StringComparer.Ordinal).OrderByDescending(g => g.Count()).Take(count).Select(g => (g.Key, g.Count()));
    }

    /// <summary>The types the sampled ticks (small and large) fell on, most bytes first.</summary>
    public IEnumerable<(string Type, long Bytes)> TopTypes(int count) =>
        _byType.OrderByDescending(p => p.Value).Take(count).Select(p => (p.Key, p.Value));

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            // GC (0x1) for the allocation ticks; with BENCH_JIT_NAMES=1 also JIT (0x10), for the names of the methods compiled.
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)(JitNames ? 0x11 : 0x1));
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName is { } jitEvent && jitEvent.StartsWith("MethodLoadVerbose", StringComparison.Ordinal) && eventData.Payload is { } values && eventData.PayloadNames is { } keys)
        {
            _jitted.Enqueue(values[keys.IndexOf("MethodNamespace")] + "::" + values[keys.IndexOf("MethodName")]);
            return;
        }

        if (eventData.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.PayloadNames is null)
        {
            return;
        }

        int kindIndex = eventData.PayloadNames.IndexOf("AllocationKind");
        int amountIndex = eventData.PayloadNames.IndexOf("AllocationAmount64");
        if (amountIndex < 0)
        {
            amountIndex = eventData.PayloadNames.IndexOf("AllocationAmount");
        }

        if (kindIndex < 0 || amountIndex < 0 || eventData.Payload is null)
        {
            return;
        }

        int typeIndex = eventData.PayloadNames.IndexOf("TypeName");
        if (typeIndex >= 0 && eventData.Payload[typeIndex] is string type)
        {
            _byType.AddOrUpdate(type, _ => Convert.ToInt64(eventData.Payload[amountIndex], CultureInfo.InvariantCulture), (_, sum) => sum + Convert.ToInt64(eventData.Payload[amountIndex], CultureInfo.InvariantCulture));
        }

        if (Convert.ToInt32(eventData.Payload[kindIndex], CultureInfo.InvariantCulture) == 1)
        {
            Interlocked.Add(ref _largeBytes, Convert.ToInt64(eventData.Payload[amountIndex], CultureInfo.InvariantCulture));
        }
    }
}
