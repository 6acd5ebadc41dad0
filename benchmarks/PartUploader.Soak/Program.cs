using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using PartUploader;
using PartUploader.Emulator;

// Soak: uploads back to back for a fixed time against an in-process emulator in discard mode, with 1 % of part
// requests faulted (EveryNth rules of mixed kinds). Prints uploads, bytes, retries, failures, and process memory at
// the start and end. The emulator keeps a record of every upload, so it is recycled (same port) every
// --recycle uploads; the one PartUploadClient lives for the whole run.
// Exit code: 0 when no upload failed and the managed heap did not grow by more than --max-growth-mib.

var cfg = SoakConfig.Parse(args);
if (cfg is null)
{
    Console.Error.WriteLine("usage: PartUploader.Soak [--minutes N | --quick] [--size-mib N] [--concurrency N] [--recycle N] [--max-growth-mib N]");
    return 2;
}

string tempDir = Directory.CreateTempSubdirectory("partuploader-soak-").FullName;
try
{
    return await Soak.RunAsync(cfg, tempDir);
}
finally
{
    Directory.Delete(tempDir, recursive: true);
}

internal sealed record SoakConfig(TimeSpan Duration, long SizeBytes, int Concurrency, int Recycle, long MaxGrowthBytes)
{
    public static SoakConfig? Parse(string[] args)
    {
        TimeSpan duration = TimeSpan.FromMinutes(10);
        long sizeMiB = 21;
        int concurrency = 4, recycle = 200;
        long maxGrowthMiB = 32;
        for (int i = 0; i < args.Length; i++)
        {
            string? next = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--quick":
                    duration = TimeSpan.FromSeconds(30);
                    break;
                case "--minutes" when next is not null:
                    duration = TimeSpan.FromMinutes(double.Parse(next, CultureInfo.InvariantCulture));
                    i++;
                    break;
                case "--size-mib" when next is not null:
                    sizeMiB = long.Parse(next, CultureInfo.InvariantCulture);
                    i++;
                    break;
                case "--concurrency" when next is not null:
                    concurrency = int.Parse(next, CultureInfo.InvariantCulture);
                    i++;
                    break;
                case "--recycle" when next is not null:
                    recycle = int.Parse(next, CultureInfo.InvariantCulture);
                    i++;
                    break;
                case "--max-growth-mib" when next is not null:
                    maxGrowthMiB = long.Parse(next, CultureInfo.InvariantCulture);
                    i++;
                    break;
                default:
                    return null;
            }
        }

        return new SoakConfig(duration, (sizeMiB * 1024 * 1024) + 4321, concurrency, recycle, maxGrowthMiB * 1024 * 1024);
    }
}

internal static class Soak
{
    private const long MiB = 1024 * 1024;

    /// <summary>Six fault kinds, each on every 600th part request at its own offset: 6 / 600 = 1 % of part requests.</summary>
    private static readonly Func<FaultRule>[] s_faults =
    [
        () => FaultRule.Status(500),
        () => FaultRule.Status(503, TimeSpan.Zero),
        () => FaultRule.Status(429, TimeSpan.Zero),
        () => FaultRule.ResetBeforeBody(),
        () => FaultRule.ResetAfterBytes(256 * 1024),
        () => FaultRule.ExpireToken(),
    ];

    public static async Task<int> RunAsync(SoakConfig cfg, string tempDir)
    {
        int port = FreePort();
        string file = Path.Combine(tempDir, "source.bin");
        WriteSource(file, cfg.SizeBytes);

        BlobEmulator emulator = await StartEmulatorAsync(port);
        string token = emulator.IssueAccessToken();
        BlobEmulator current = emulator;
        var tokens = AccessTokenSource.FromDelegate((force, _) =>
        {
            if (force)
            {
                Volatile.Write(ref token, Volatile.Read(ref current).IssueAccessToken());
            }

            return Task.FromResult(new AccessToken(Volatile.Read(ref token), DateTimeOffset.MaxValue));
        });

        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan };
        var options = new PartUploadClientOptions
        {
            BaseUrl = emulator.GetBlobBaseUrl(),
            PartSize = 5 * MiB,
            MaxConcurrency = cfg.Concurrency,
            MaxBufferedBytes = 64 * MiB,
            SingleShotThreshold = MiB,

            // Discard mode keeps no bytes, so the read-back of retried parts (a GET) cannot be served here.
            VerifyRetriedParts = false,
        };
        options.Retry.BaseDelay = TimeSpan.FromMilliseconds(10);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(100);
        options.Retry.AttemptTimeout = TimeSpan.FromSeconds(30);
        var client = new PartUploadClient(http, options, tokens);

        long uploads = 0, bytes = 0, retries = 0, failures = 0, sinceRecycle = 0;
        var failureKinds = new Dictionary<string, int>(StringComparer.Ordinal);
        Memory? startMemory = null;
        var clock = Stopwatch.StartNew();
        TimeSpan nextReport = TimeSpan.FromSeconds(30);
        Console.WriteLine(FormattableString.Invariant($"soak: {cfg.Duration.TotalMinutes:0.##} min, {cfg.SizeBytes} bytes per upload, concurrency {cfg.Concurrency}, parts of 5 MiB, 1 % part faults (500, 503, 429, reset before body, reset mid-body, token expiry), emulator recycled every {cfg.Recycle} uploads"));

        while (clock.Elapsed < cfg.Duration)
        {
            string handle = "soak-" + Guid.NewGuid().ToString("N");
            try
            {
                PartUploadResult result = await client.UploadAsync(file, new PartUploadOptions { LayerId = BlobEmulatorOptions.DemoVersionedLayerId, DataHandle = handle });
                if (result.Size != cfg.SizeBytes)
                {
                    throw new InvalidOperationException($"uploaded {result.Size} bytes of {cfg.SizeBytes}");
                }

                uploads++;
                bytes += result.Size;
                retries += result.Retries;
            }
#pragma warning disable CA1031 // A soak counts failures and carries on.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failures++;
                string kind = ex is PartUploadException p ? $"{ex.GetType().Name} {p.Status} {p.ErrorCode}" : ex.GetType().Name;
                failureKinds[kind] = failureKinds.GetValueOrDefault(kind) + 1;
                Console.WriteLine($"failure: {kind}: {ex.Message}");
            }

            if (++sinceRecycle >= cfg.Recycle)
            {
                sinceRecycle = 0;
                await emulator.DisposeAsync();
                emulator = await StartEmulatorAsync(port);
                Volatile.Write(ref current, emulator);

                // The first recycle after warm-up is the baseline: JIT, pools and connections are settled by then.
                startMemory ??= Memory.Measure();
            }

            if (clock.Elapsed >= nextReport)
            {
                nextReport += TimeSpan.FromSeconds(30);
                Memory now = Memory.Measure(collect: false);
                Console.WriteLine(FormattableString.Invariant($"[{clock.Elapsed:mm\\:ss}] uploads {uploads}, {bytes / (double)MiB:0} MiB, retries {retries}, failures {failures}, RSS {now.Rss / MiB} MiB, heap {now.Heap / MiB} MiB"));
            }
        }

        await emulator.DisposeAsync();
        Memory end = Memory.Measure();
        Memory start = startMemory ?? end;
        double seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine();
        Console.WriteLine(FormattableString.Invariant($"elapsed:       {seconds:0} s"));
        Console.WriteLine(FormattableString.Invariant($"uploads done:  {uploads} ({uploads / seconds:0.00}/s)"));
        Console.WriteLine(FormattableString.Invariant($"bytes:         {bytes} ({bytes / (double)MiB / seconds:0.0} MiB/s)"));
        Console.WriteLine(FormattableString.Invariant($"retries:       {retries}"));
        Console.WriteLine(FormattableString.Invariant($"failures:      {failures}{(failureKinds.Count == 0 ? string.Empty : " (" + string.Join(", ", failureKinds.Select(k => $"{k.Key} x{k.Value}")) + ")")}"));
        Console.WriteLine(FormattableString.Invariant($"memory start:  RSS {start.Rss / (double)MiB:0.0} MiB, managed heap {start.Heap / (double)MiB:0.0} MiB (after warm-up, full GC)"));
        Console.WriteLine(FormattableString.Invariant($"memory end:    RSS {end.Rss / (double)MiB:0.0} MiB, managed heap {end.Heap / (double)MiB:0.0} MiB (full GC)"));
        long growth = end.Heap - start.Heap;
        Console.WriteLine(FormattableString.Invariant($"heap growth:   {growth / (double)MiB:+0.0;-0.0} MiB (limit {cfg.MaxGrowthBytes / MiB} MiB); RSS growth {(end.Rss - start.Rss) / (double)MiB:+0.0;-0.0} MiB"));
        bool ok = failures == 0 && growth <= cfg.MaxGrowthBytes && uploads > 0;
        Console.WriteLine(ok ? "soak: OK" : "soak: FAILED");
        return ok ? 0 : 1;
    }

    private static async Task<BlobEmulator> StartEmulatorAsync(int port)
    {
        BlobEmulator emulator = await BlobEmulator.StartAsync(new BlobEmulatorOptions
        {
            Urls = "http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture),
            DiscardData = true,
            ProcessingDelay = TimeSpan.FromMilliseconds(5),
            JournalCapacity = 1_000,
        });
        for (int i = 0; i < s_faults.Length; i++)
        {
            emulator.Faults.Add(s_faults[i]() with { Operation = EmulatorOperation.UploadPart, EveryNth = 600, Skip = i * 100, Times = FaultRule.Unlimited, Name = "soak-" + i.ToString(CultureInfo.InvariantCulture) });
        }

        return emulator;
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static void WriteSource(string path, long length)
    {
        var random = new Random(20261125);
        byte[] chunk = new byte[MiB];
        using var f = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        for (long done = 0; done < length; done += chunk.Length)
        {
            random.NextBytes(chunk);
            f.Write(chunk, 0, (int)Math.Min(chunk.Length, length - done));
        }
    }

    private readonly record struct Memory(long Rss, long Heap)
    {
        public static Memory Measure(bool collect = true)
        {
            if (collect)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
            }

            using var process = Process.GetCurrentProcess();
            return new Memory(process.WorkingSet64, GC.GetTotalMemory(forceFullCollection: collect));
        }
    }
}
