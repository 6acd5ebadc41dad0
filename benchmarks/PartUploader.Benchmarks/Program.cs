// PartUploader benchmarks: every figure measured side by side in one run, so ratios are honest.
//
//   dotnet run -c Release --project benchmarks/PartUploader.Benchmarks -- [scenario...] [--json PATH] [--quick] [--check] [--cold] [--client-env NAME=VALUE]... [--micro] [--publish-count N] [--publish-size BYTES]
//
// Scenarios: raw naive sdk-file sdk-stream scale wan raw-tls sdk-file-tls (the default set), parts10k, publish, busy and batch (opt-in), or "all".
using PartUploader.Benchmarks;
using PartUploader.Benchmarks.Micro;

if (args.Length == 2 && args[0] == "--client")
{
    return await ClientHost.RunAsync(args[1]);
}

var settings = new RunSettings { CommandLine = "dotnet run -c Release --project benchmarks/PartUploader.Benchmarks --" + (args.Length > 0 ? " " + string.Join(' ', args) : "") };
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--json" when i + 1 < args.Length:
            settings.JsonPath = Path.GetFullPath(args[++i]);
            break;
        case "--quick":
            settings.Quick = true;
            break;
        case "--micro":
            settings.Micro = true;
            break;
        case "--check":
            settings.Check = true;
            break;
        case "--cold":
            settings.Cold = true;
            break;
        case "--client-env":
            string[] pair = i + 1 < args.Length ? args[++i].Split('=', 2) : [];
            if (pair.Length != 2 || pair[0].Length == 0 || pair[0].StartsWith("BENCH_", StringComparison.Ordinal))
            {
                Console.Error.WriteLine("--client-env takes NAME=VALUE, and NAME may not start with BENCH_ (the program's own settings).");
                return 2;
            }

            settings.ClientEnvironment[pair[0]] = pair[1];
            break;
        case "--publish-count" when i + 1 < args.Length && int.TryParse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture, out int count) && count > 0:
            settings.PublishCount = count;
            i++;
            break;
        case "--publish-size" when i + 1 < args.Length && int.TryParse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture, out int size) && size > 0:
            settings.PublishSize = size;
            i++;
            break;
        case "all":
            settings.Scenarios.AddRange(Runner.AllScenarios);
            break;
        case "--help" or "-h":
            Console.WriteLine($"""
                Usage: dotnet run -c Release --project benchmarks/PartUploader.Benchmarks -- [scenario...] [--json PATH] [--quick] [--check] [--cold] [--client-env NAME=VALUE]... [--micro] [--publish-count N] [--publish-size BYTES]
                  scenarios: raw naive sdk-file sdk-stream scale wan raw-tls sdk-file-tls (default set; the last two are raw and
                              sdk-file CRC-32C over HTTPS to a second emulator, and the run prints sdk-file-tls / raw-tls),
                              parts10k (opt-in, long), publish (opt-in), busy (opt-in: a service at capacity 1 or 2),
                              batch (opt-in: 10,000 x 64 KiB, 200 x 8 MiB, a mix; one blob per file), all
                  --quick   small sizes, one repetition (a smoke run, under a minute)
                  --check   after the run, exit 3 (naming the case and figure) when an SDK upload case (sdk-file, sdk-stream,
                            scale, wan, parts10k, sdk-file-tls; not batch, publish or busy) allocated any LOH bytes, or more than
                            {AllocationCheck.MaxAllocatedBytesPerMiB:F0} B per MiB uploaded. A local guard, not a test: never in CI
                  --cold    warm each case up only as planned (one upload), not until the JIT settles: the figures of a
                            process still compiling (tiered compilation), as a short-lived one sees them
                  --client-env NAME=VALUE
                            set in each client process only (the emulators keep this process's environment), for
                            example DOTNET_TieredCompilation=0 to see the client's CPU without tiered recompilation; repeatable
                  --micro   BenchmarkDotNet micro-benchmarks (digest throughput, engine allocations per part);
                            alone it runs only those, with scenarios it runs both
                  --json    writes every figure to PATH
                  --publish-count, --publish-size
                            publish: how many files and how many bytes each (default 10,000 of 4096 B; 1,000 with --quick)
                """);
            return 0;
        default:
            if (!Runner.AllScenarios.Contains(args[i]))
            {
                Console.Error.WriteLine($"Unknown argument '{args[i]}' (try --help).");
                return 2;
            }

            settings.Scenarios.Add(args[i]);
            break;
    }
}

if (settings.Micro)
{
    settings.MicroResults.AddRange(MicroRunner.Run(settings.Quick));
    if (settings.Scenarios.Count == 0)
    {
        if (settings.JsonPath is not null)
        {
            await File.WriteAllTextAsync(settings.JsonPath, System.Text.Json.JsonSerializer.Serialize(new BenchReport
            {
                Command = settings.CommandLine,
                StartedAt = DateTimeOffset.UtcNow,
                Machine = MachineFacts.Read(),
                RssMethod = "-",
                Micro = settings.MicroResults,
            }, BenchJsonContext.Default.BenchReport));
        }

        return 0;
    }
}

if (settings.Scenarios.Count == 0)
{
    settings.Scenarios.AddRange(Runner.DefaultScenarios);
}

return await new Runner(settings).RunAsync();
