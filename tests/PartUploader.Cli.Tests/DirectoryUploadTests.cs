using System.Text.Json;
using PartUploader.Emulator;

namespace PartUploader.Cli.Tests;

/// <summary><c>partupload upload &lt;dir&gt;</c>: one blob per file in one batch; events per file; exit 0, 4 or 2.</summary>
public sealed class DirectoryUploadTests(CliEmulatorFixture fixture) : IClassFixture<CliEmulatorFixture>
{
    [Fact]
    public async Task Upload_Directory_StoresEveryFileWithEventsPerFileAndAManifest()
    {
        string dir = MakeTree("tree", ["a.bin", "sub/b c.bin", "sub/deep/d.bin", "skip/e.tmp"]);
        string prefix = CliEmulatorFixture.NewHandle("r") + ".";
        string manifest = Path.Combine(fixture.WorkDirectory, prefix + "manifest.json");

        CliResult result = await CliRunner.RunAsync(["upload", dir, .. fixture.Target(), "--handle-prefix", prefix, "--exclude", "**/*.tmp", "--manifest", manifest, "--json"]);

        result.ExitCode.ShouldBe(0, result.ToString());
        JsonElement[] events = [.. result.Lines.Select(l => JsonDocument.Parse(l).RootElement)];
        JsonElement[] completed = [.. events.Where(e => e.GetProperty("event").GetString() == "item-completed")];
        completed.Select(e => e.GetProperty("handle").GetString()).Order().ShouldBe([prefix + "a.bin", prefix + "sub.b-c.bin", prefix + "sub.deep.d.bin"]);
        foreach (JsonElement item in completed)
        {
            string source = item.GetProperty("source").GetString()!;
            byte[] data = await File.ReadAllBytesAsync(source);
            item.GetProperty("size").GetInt64().ShouldBe(data.Length);
            item.GetProperty("crc32c").GetString()!.Length.ShouldBe(8);
            fixture.ReadBlob(item.GetProperty("handle").GetString()!).ShouldBe(data);
        }

        JsonElement summary = events[^1];
        summary.GetProperty("event").GetString().ShouldBe("summary");
        summary.GetProperty("succeeded").GetInt32().ShouldBe(3);
        summary.GetProperty("failed").GetInt32().ShouldBe(0);
        JsonDocument.Parse(await File.ReadAllTextAsync(manifest)).RootElement.GetProperty("items").GetArrayLength().ShouldBe(3);
    }

    [Fact]
    public async Task Upload_DirectoryWithACsvManifest_WritesOneRowPerFile()
    {
        string dir = MakeTree("csvtree", ["a.bin", "sub/b.bin"]);
        string prefix = CliEmulatorFixture.NewHandle("c") + ".";
        string manifest = Path.Combine(fixture.WorkDirectory, prefix + "manifest.csv");

        CliResult result = await CliRunner.RunAsync(["upload", dir, .. fixture.Target(), "--handle-prefix", prefix, "--manifest", manifest]);

        result.ExitCode.ShouldBe(0, result.ToString());
        string[] lines = (await File.ReadAllLinesAsync(manifest)).Where(l => l.Length > 0).ToArray();
        lines[0].ShouldBe("source,handle,size,crc32c,md5,sha1,sha256,error,message");
        lines.Skip(1).Select(l => l.Split(',')[1]).Order().ShouldBe([prefix + "a.bin", prefix + "sub.b.bin"]);
        foreach (string[] row in lines.Skip(1).Select(l => l.Split(',')))
        {
            long.Parse(row[2], System.Globalization.CultureInfo.InvariantCulture).ShouldBe(new FileInfo(row[0]).Length);
            row[3].Length.ShouldBe(8);
        }
    }

    [Fact]
    public async Task Upload_DirectoryWithAFailingFile_ExitsFourAndTheOthersAreStored()
    {
        string dir = MakeTree("partial", ["ok1.bin", "bad.bin", "ok2.bin"]);
        string prefix = CliEmulatorFixture.NewHandle("p") + ".";
        FaultRule refuse = fixture.Emulator.Faults.Add(FaultRule.Status(403) with { Operation = EmulatorOperation.PutBlob, DataHandle = prefix + "bad.bin", Times = FaultRule.Unlimited });
        try
        {
            CliResult result = await CliRunner.RunAsync(["upload", dir, .. fixture.Target(), "--handle-prefix", prefix, "--json"]);

            result.ExitCode.ShouldBe(4, result.ToString());
            JsonElement failed = result.Lines.Select(l => JsonDocument.Parse(l).RootElement).Single(e => e.GetProperty("event").GetString() == "item-failed");
            failed.GetProperty("handle").GetString().ShouldBe(prefix + "bad.bin");
            failed.GetProperty("error").GetString().ShouldBe("auth");
            fixture.ReadBlob(prefix + "ok1.bin").Length.ShouldBeGreaterThan(0);
            fixture.ReadBlob(prefix + "ok2.bin").Length.ShouldBeGreaterThan(0);
        }
        finally
        {
            fixture.Emulator.Faults.Remove(refuse);
        }
    }

    [Fact]
    public async Task Upload_DirectoryWhoseFilesMapToOneHandle_ExitsTwoNamingBothWithoutAnyRequest()
    {
        string dir = MakeTree("collide", ["a b.bin", "a-b.bin"]);
        DateTimeOffset start = TimeProvider.System.GetUtcNow(); // by arrival: the emulator journals a request once answered

        CliResult result = await CliRunner.RunAsync(["upload", dir, .. fixture.Target()]);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.StdErr.ShouldContain("'a b.bin' and 'a-b.bin' both map to the handle 'a-b.bin'");
        fixture.Emulator.Journal.Entries.Where(e => e.Timestamp >= start).ShouldBeEmpty();
    }

    [Fact]
    public async Task Upload_DirectoryWithOneHandle_ExitsTwo()
    {
        string dir = MakeTree("file-only-handle", ["a.bin"]);

        CliResult result = await CliRunner.RunAsync(["upload", dir, .. fixture.Target(), "--handle", "x"]);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.StdErr.ShouldContain("for a directory use --handle-prefix");
    }

    [Fact]
    public async Task Upload_DirectoryRunAgainWithItsJournal_SkipsStoredFilesAndSendsNothingForThem()
    {
        string dir = MakeTree("rerun", ["a.bin", "b/c.bin"]);
        string prefix = CliEmulatorFixture.NewHandle("rr") + ".";
        string journal = Path.Combine(fixture.WorkDirectory, prefix + "journal");
        CliResult first = await CliRunner.RunAsync(["upload", dir, .. fixture.Target(), "--handle-prefix", prefix, "--resume", journal]);
        first.ExitCode.ShouldBe(0, first.ToString());
        DateTimeOffset start = TimeProvider.System.GetUtcNow(); // every request of the first run arrived before this

        CliResult second = await CliRunner.RunAsync(["upload", dir, .. fixture.Target(), "--handle-prefix", prefix, "--resume", journal, "--json"]);

        second.ExitCode.ShouldBe(0, second.ToString());
        second.Lines.Count(l => l.Contains("\"item-completed\"", StringComparison.Ordinal)).ShouldBe(2);
        fixture.Emulator.Journal.Entries.Where(e => e.Timestamp >= start).ShouldNotContain(e => e.Operation == EmulatorOperation.PutBlob || e.Operation == EmulatorOperation.StartMultipart);
    }

    [Fact]
    public async Task Upload_FileWithADirectoryOption_ExitsTwo()
    {
        string path = fixture.WriteFile("single-with-include.bin", 10);

        CliResult result = await CliRunner.RunAsync(["upload", path, .. fixture.Target(), "--include", "*.bin"]);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.StdErr.ShouldContain("--include is for a directory source");
    }

    private string MakeTree(string name, string[] files)
    {
        string root = Path.Combine(fixture.WorkDirectory, name);
        foreach ((string relative, int i) in files.Select((f, i) => (f, i)))
        {
            string path = Path.Combine(root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            byte[] data = new byte[1000 + (i * 777)];
            new Random(i).NextBytes(data);
            File.WriteAllBytes(path, data);
        }

        return root;
    }
}
