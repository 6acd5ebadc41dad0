using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using static System.FormattableString;

namespace PartUploader.Benchmarks.Micro;

/// <summary>Runs the BenchmarkDotNet micro-benchmarks (ShortRun, in process: no generated project to build).</summary>
internal static class MicroRunner
{
    public static List<MicroResult> Run(bool quick)
    {
        Job job = (quick ? Job.Dry : Job.ShortRun).WithToolchain(InProcessEmitToolchain.Instance);
        IConfig config = DefaultConfig.Instance.AddJob(job).WithOptions(ConfigOptions.DisableOptimizationsValidator)
            .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "partuploader-bdn"));
        var results = new List<MicroResult>();
        foreach (Summary summary in new[] { BenchmarkRunner.Run<DigestBenchmarks>(config), BenchmarkRunner.Run<EngineBenchmarks>(config) })
        {
            foreach (BenchmarkReport report in summary.Reports)
            {
                if (report.ResultStatistics is null)
                {
                    continue;
                }

                string parameter = report.BenchmarkCase.Parameters.PrintInfo;
                double mean = report.ResultStatistics.Mean;
                long? allocated = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase);
                bool digest = report.BenchmarkCase.Descriptor.Type == typeof(DigestBenchmarks);
                results.Add(new MicroResult
                {
                    Benchmark = report.BenchmarkCase.Descriptor.Type.Name + "." + report.BenchmarkCase.Descriptor.WorkloadMethod.Name,
                    Parameter = parameter,
                    MeanNanoseconds = mean,
                    GigabytesPerSecond = digest ? DigestBenchmarks.BufferBytes / mean : null,
                    AllocatedBytesPerOperation = allocated,
                    AllocatedBytesPerPart = digest ? null : allocated,
                });
            }
        }

        Console.WriteLine();
        Console.WriteLine("| micro-benchmark | parameter | mean | GB/s | allocated per op (per part for the engine) |");
        Console.WriteLine("|---|---|--:|--:|--:|");
        foreach (MicroResult r in results)
        {
            Console.WriteLine(Invariant($"| {r.Benchmark} | {r.Parameter} | {r.MeanNanoseconds / 1000:F1} us | {(r.GigabytesPerSecond is double g ? g.ToString("F2", System.Globalization.CultureInfo.InvariantCulture) : "-")} | {r.AllocatedBytesPerOperation?.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) ?? "-"} B |"));
        }

        return results;
    }
}
