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

    [Fact]
    public async Task Publish_WithFields_ToTheIndexLayer_InsertsOneTypedRecordPerFile()
    {
        string dir = Path.Combine(fixture.WorkDirectory, "index-cli");
        Directory.CreateDirectory(dir);
        await File.WriteAllBytesAsync(Path.Combine(dir, "one.bin"), new byte[300]);
        await File.WriteAllBytesAsync(Path.Combine(dir, "two.bin"), new byte[700]);

        CliResult result = await CliRunner.RunAsync(
            ["publish", dir, .. fixture.Target(fixture.Emulator.IndexLayerId), "--field", "ingestionTime=1552383031000", "--field", "source=cli", "--json"]);

        result.ExitCode.ShouldBe(0, result.ToString());
        JsonElement[] events = [.. result.Lines.Select(l => JsonDocument.Parse(l).RootElement)];
        events.Single(e => e.GetProperty("event").GetString() == "index-succeeded").GetProperty("records").GetInt32().ShouldBe(2);
        var stored = fixture.Emulator.GetIndexRecords(fixture.Emulator.IndexLayerId).ToDictionary(r => r.Id, StringComparer.Ordinal);
        foreach (JsonElement item in events.Where(e => e.GetProperty("event").GetString() == "item-completed"))
        {
            EmulatorIndexRecord record = stored[item.GetProperty("id").GetString()!];
            record.Size.ShouldBe(item.GetProperty("size").GetInt64());
            record.Fields["ingestionTime"].ValueKind.ShouldBe(JsonValueKind.Number, "the text value was sent as the layer's integer type");
            record.Fields["ingestionTime"].GetInt64().ShouldBe(1552383031000);
            record.Fields["source"].GetString().ShouldBe("cli");
        }
    }

    [Fact]
    public async Task SubmitAndCancel_RefusedByTheService_ExitFour()
    {
        CliResult init = await CliRunner.RunAsync(["publication", "init", .. fixture.Target(Layer), "--json"]);
        init.ExitCode.ShouldBe(0, init.ToString());
        string id = JsonDocument.Parse(init.Lines.Single()).RootElement.GetProperty("publication").GetString()!;
        (await CliRunner.RunAsync(["publication", "cancel", "--publication", id, .. fixture.Target(Layer)])).ExitCode.ShouldBe(0);

        CliResult submit = await CliRunner.RunAsync(["publication", "submit", "--publication", id, .. fixture.Target(Layer)]);
        CliResult cancelAgain = await CliRunner.RunAsync(["publication", "cancel", "--publication", id, .. fixture.Target(Layer)]);

        submit.ExitCode.ShouldBe(4, submit.ToString());
        submit.StdErr.ShouldContain("SubmitPublication");
        cancelAgain.ExitCode.ShouldBe(4, cancelAgain.ToString());
        fixture.Emulator.Publications.Single(p => p.Id == id).State.ShouldBe("cancelled");
    }

    [Fact]
    public async Task Publish_WithResume_SucceedsAndRemovesItsJournal_AndResumeWithFieldsIsRefused()
    {
        string dir = Path.Combine(fixture.WorkDirectory, "resume-cli");
        Directory.CreateDirectory(dir);
        await File.WriteAllBytesAsync(Path.Combine(dir, "r1.bin"), new byte[1000]);
        string journal = Path.Combine(fixture.WorkDirectory, "resume-cli-journal");

        CliResult published = await CliRunner.RunAsync(["publish", dir, .. fixture.Target(Layer), "--resume", journal, "--json"]);
        CliResult refused = await CliRunner.RunAsync(["publish", dir, .. fixture.Target(fixture.Emulator.IndexLayerId), "--resume", journal, "--field", "source=x"]);

        published.ExitCode.ShouldBe(0, published.ToString());
        File.Exists(Path.Combine(journal, "publication.json")).ShouldBeFalse("the journal is removed once the publication succeeded");
        refused.ExitCode.ShouldBe(2, refused.ToString());
        refused.StdErr.ShouldContain("--resume");
    }
}
