using System.Diagnostics;
using System.Text;
using PartUploader.Emulator;

namespace PartUploader.Cli.Tests;

/// <summary>
/// <c>samples/ScaleOut/run-local.sh</c>, run with bash as a user would: one publication fed by three worker processes
/// (init, three <c>add --shard k/3</c>, submit, wait) against the fixture's emulator.
/// </summary>
public sealed class ScaleOutSampleTests(CliEmulatorFixture fixture) : IClassFixture<CliEmulatorFixture>
{
    private const int Workers = 3;

    [Fact]
    public async Task RunLocal_ThreeWorkers_PublishesEveryFileInOneVersionThroughOnePublication()
    {
        string dir = Path.Combine(fixture.WorkDirectory, "scale-out-ok");
        string[] names = ["a.bin", "b.bin", "c.bin", "d.bin", "e.bin", "f.bin", "g.bin", "h/i.bin", "h/j.bin", "h/k/l.bin"];
        WriteFiles(dir, names);
        long before = fixture.Emulator.GetCatalogVersion();
        DateTimeOffset start = DateTimeOffset.UtcNow;

        CliResult result = await RunScriptAsync(dir);

        result.ExitCode.ShouldBe(0, result.ToString());
        string[] line = result.Lines.Single().Split('\t');
        line[1].ShouldBe("succeeded", result.ToString());
        fixture.Emulator.Publications.Single(p => p.Id == line[0]).State.ShouldBe("succeeded");

        long version = fixture.Emulator.GetCatalogVersion();
        version.ShouldBe(before + 1, "exactly one new catalog version");
        EmulatorPartition[] published = [.. fixture.Emulator.GetPartitions(fixture.Emulator.DefaultLayerId, version).Where(p => p.Version == version)];
        published.Select(p => p.Partition).Order(StringComparer.Ordinal)
            .ShouldBe(names.Select(n => n.Replace('/', ':')).Order(StringComparer.Ordinal));
        foreach (string name in names)
        {
            EmulatorPartition partition = published.Single(p => p.Partition == name.Replace('/', ':'));
            fixture.ReadBlob(partition.DataHandle).ShouldBe(await File.ReadAllBytesAsync(Path.Combine(dir, name)), $"the blob of {name}");
        }

        JournalEntry[] journal = [.. fixture.Emulator.Journal.Entries.Where(e => e.Timestamp >= start)];
        journal.Count(e => e.Operation == EmulatorOperation.InitPublication).ShouldBe(1);
        journal.Count(e => e.Operation == EmulatorOperation.SubmitPublication && e.StatusCode is >= 200 and < 300).ShouldBe(1);
        journal.Count(e => e.Operation == EmulatorOperation.UploadPartitions).ShouldBeGreaterThanOrEqualTo(Workers, "each worker process adds its own partitions");
        journal.ShouldNotContain(e => e.Operation == EmulatorOperation.CancelPublication);
    }

    [Fact]
    public async Task RunLocal_OneWorkerFails_ExitsNonZeroAndCancelsThePublication()
    {
        // A file name with a space is not a partition id: the one worker whose shard holds it exits 2 before it
        // uploads anything; the others add their partitions. The script must not submit, and cancels instead.
        string dir = Path.Combine(fixture.WorkDirectory, "scale-out-bad");
        WriteFiles(dir, ["a.bin", "b.bin", "c.bin", "d.bin", "e.bin", "f g.bin"]);
        long before = fixture.Emulator.GetCatalogVersion();
        HashSet<string> known = [.. fixture.Emulator.Publications.Select(p => p.Id)];
        DateTimeOffset start = DateTimeOffset.UtcNow;

        CliResult result = await RunScriptAsync(dir);

        result.ExitCode.ShouldNotBe(0, result.ToString());
        result.StdOut.ShouldBeEmpty(result.ToString());
        result.StdErr.ShouldContain("1 of 3 worker(s) failed", Case.Sensitive, result.ToString());
        fixture.Emulator.Publications.Where(p => !known.Contains(p.Id)).ShouldHaveSingleItem().State.ShouldBe("cancelled");
        fixture.Emulator.GetCatalogVersion().ShouldBe(before);
        JournalEntry[] journal = [.. fixture.Emulator.Journal.Entries.Where(e => e.Timestamp >= start)];
        journal.Count(e => e.Operation == EmulatorOperation.InitPublication).ShouldBe(1);
        journal.ShouldNotContain(e => e.Operation == EmulatorOperation.SubmitPublication);
        journal.Count(e => e.Operation == EmulatorOperation.CancelPublication && e.StatusCode is >= 200 and < 300).ShouldBe(1);
    }

    private static void WriteFiles(string dir, IEnumerable<string> names)
    {
        int seed = 0;
        foreach (string name in names)
        {
            string path = Path.Combine(dir, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var data = new byte[100 + (37 * seed)];
            new Random(seed++).NextBytes(data);
            File.WriteAllBytes(path, data);
        }
    }

    private async Task<CliResult> RunScriptAsync(string dir)
    {
        string bash = FindOnPath("bash")
            ?? throw new InvalidOperationException("bash is not on PATH: these tests run samples/ScaleOut/run-local.sh with it (CI has bash).");
        File.Exists(CliRunner.CliPath).ShouldBeTrue($"the CLI is built at {CliRunner.CliPath}");
        string host = CliRunner.DotnetHost();
        (host + CliRunner.CliPath).ShouldNotContain(" ", Case.Sensitive, "run-local.sh splits PARTUPLOAD on whitespace");

        var info = new ProcessStartInfo(bash)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(Path.Combine(RepositoryRoot(), "samples", "ScaleOut", "run-local.sh"));
        info.ArgumentList.Add(dir);
        info.ArgumentList.Add(Workers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (string arg in fixture.Target())
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["PARTUPLOAD"] = $"{host} {CliRunner.CliPath}";
        info.Environment["PARTUPLOAD_RUNTIME_DIR"] = CliRunner.RuntimeDirectory;
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["NO_COLOR"] = "1";

        using Process process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"run-local.sh did not exit in time.\n{await stdout}\n{await stderr}");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(d => new[] { Path.Combine(d, name), Path.Combine(d, name + ".exe") })
            .FirstOrDefault(File.Exists);

    /// <summary>The folder holding PartUploader.sln, found by walking up from the test assembly.</summary>
    private static string RepositoryRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "PartUploader.sln")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException($"no PartUploader.sln above {AppContext.BaseDirectory}");
    }
}
