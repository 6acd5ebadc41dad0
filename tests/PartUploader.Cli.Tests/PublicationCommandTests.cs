using System.Text.Json;
using PartUploader.Emulator;

namespace PartUploader.Cli.Tests;

/// <summary><c>partupload publication init|add|submit|wait|status</c>: one publication fed by several processes.</summary>
public sealed class PublicationCommandTests(CliEmulatorFixture fixture) : IClassFixture<CliEmulatorFixture>
{
    private const string Layer = BlobEmulatorOptions.DemoVersionedLayerId;

    [Fact]
    public async Task ScaleOut_InitThenTwoShardProcessesThenSubmitAndWait_PublishesEveryFileInOneVersion()
    {
        string dir = Path.Combine(fixture.WorkDirectory, "scale-out");
        string[] names = ["a.bin", "b.bin", "c.bin", "d/e.bin", "d/f.bin"];
        foreach (string name in names)
        {
            string path = Path.Combine(dir, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(path, [.. Enumerable.Range(0, 500 + name.Length).Select(i => (byte)(i * 7))]);
        }

        long before = fixture.Emulator.GetCatalogVersion();
        CliResult init = await CliRunner.RunAsync(["publication", "init", .. fixture.Target(Layer), "--json"]);
        init.ExitCode.ShouldBe(0, init.ToString());
        JsonElement initialized = JsonDocument.Parse(init.Lines.Single()).RootElement;
        string id = initialized.GetProperty("publication").GetString()!;
        initialized.GetProperty("state").GetString().ShouldBe("initialized");

        CliResult[] adds = await Task.WhenAll(
            CliRunner.RunAsync(["publication", "add", dir, "--publication", id, "--shard", "0/2", .. fixture.Target(Layer)]),
            CliRunner.RunAsync(["publication", "add", dir, "--publication", id, "--shard", "1/2", .. fixture.Target(Layer)]));
        adds.ShouldAllBe(a => a.ExitCode == 0, string.Join("\n", adds.Select(a => a.ToString())));
        fixture.Emulator.Publications.Single(p => p.Id == id).PartitionCount.ShouldBe(5);

        CliResult submit = await CliRunner.RunAsync(["publication", "submit", "--publication", id, .. fixture.Target(Layer)]);
        submit.ExitCode.ShouldBe(0, submit.ToString());
        CliResult wait = await CliRunner.RunAsync(["publication", "wait", "--publication", id, .. fixture.Target(Layer), "--json"]);
        wait.ExitCode.ShouldBe(0, wait.ToString());
        JsonDocument.Parse(wait.Lines.Single()).RootElement.GetProperty("state").GetString().ShouldBe("succeeded");

        fixture.Emulator.GetCatalogVersion().ShouldBe(before + 1);
        fixture.Emulator.GetPartitions(Layer, before + 1).Where(p => p.Version == before + 1).Select(p => p.Partition).Order(StringComparer.Ordinal)
            .ShouldBe(["a.bin", "b.bin", "c.bin", "d:e.bin", "d:f.bin"]);
    }

    [Theory]
    [InlineData("2/2")]
    [InlineData("1")]
    [InlineData("0/0")]
    public async Task Add_BadShard_ExitsTwo_BeforeAnyRequest(string shard)
    {
        DateTimeOffset start = DateTimeOffset.UtcNow;

        CliResult result = await CliRunner.RunAsync(["publication", "add", fixture.WorkDirectory, "--publication", "v2-x", "--shard", shard, .. fixture.Target(Layer)]);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.StdErr.ShouldContain("--shard");
        fixture.Emulator.Journal.Entries.Where(e => e.Timestamp >= start && e.Operation != EmulatorOperation.Admin).ShouldBeEmpty();
    }
}
