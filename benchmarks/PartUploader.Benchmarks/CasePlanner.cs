using static System.FormattableString;

namespace PartUploader.Benchmarks;

/// <summary>The cases of each scenario, and the source files they read (made once per run in its work directory).</summary>
internal sealed class CasePlanner(RunSettings settings, string workDirectory)
{
    private const long MiB = Runner.MiB;
    private const long GiB = Runner.GiB;
    private const long PartSize = 16 * MiB;
    public const long WanCapBytesPerSecond = 20_000_000;
    public const int WanLatencyMs = 40;
    private const long Parts10kPartSize = 5 * MiB;
    private const long ScaleBudget = 128 * MiB;
    private const string RawTls = Runner.RawTls;
    private const string SdkFileTls = Runner.SdkFileTls;

    private readonly Dictionary<(long Size, bool Sparse), string> _files = [];

    /// <summary>Gets the run's temporary directory (the caller deletes it).</summary>
    public string WorkDirectory { get; } = workDirectory;

    /// <summary>Gets the repetitions of a main case (5; 1 when quick).</summary>
    public int Repetitions => settings.Quick ? 1 : 5;

    /// <summary>Gets the random-data file of the main size (sdk-file's), when a case made it.</summary>
    public string? MainFile => _files.TryGetValue((MainBytes, false), out string? file) ? file : null;

    private long MainBytes => settings.Quick ? 128 * MiB : 1 * GiB;

    private static string FormatBytes(long bytes) => Runner.FormatBytes(bytes);

    public async Task<List<CaseSpec>> PlanAsync(string scenario)
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
                return PublishScenario.Plan(WorkDirectory, settings);

            case BatchScenario.Name:
                return BatchScenario.Plan(WorkDirectory, settings.Quick);

            case BusyScenario.Name:
                return BusyScenario.Plan(await FileAsync(BusyScenario.FileBytes, sparse: true), WanCapBytesPerSecond, WanLatencyMs, settings.Quick);

            default:
                throw new ArgumentException("Unknown scenario " + scenario);
        }
    }

    public static string DigestName(DigestAlgorithm digest) => digest switch
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

        string path = Path.Combine(WorkDirectory, Invariant($"{(sparse ? "sparse" : "random")}-{size}.bin"));
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
}
