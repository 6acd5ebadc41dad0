using System.Text.Json;
using PartUploader.Emulator;

namespace PartUploader.Cli.Tests;

/// <summary><c>partupload publish</c> and <c>partupload partitions</c> against the emulator's versioned layer.</summary>
public sealed class PublishCommandTests(CliEmulatorFixture fixture) : IClassFixture<CliEmulatorFixture>
{
    private const string Layer = BlobEmulatorOptions.DemoVersionedLayerId;

    private static readonly EmulatorOperation[] PublishOrUpload =
    [
        EmulatorOperation.InitPublication, EmulatorOperation.UploadPartitions, EmulatorOperation.SubmitPublication,
        EmulatorOperation.GetPublication, EmulatorOperation.CancelPublication, EmulatorOperation.PutBlob, EmulatorOperation.StartMultipart,
    ];

    [Fact]
    public async Task Publish_DirectoryJson_ExitsZero_WithTheNewVersionAndOneItemPerFile_AndTheEmulatorShowsEveryPartition()
    {
        string dir = MakeTree("publish-json", ["a.bin", "sub/b.bin", "sub/deep/c.bin"]);
        long before = fixture.Emulator.GetCatalogVersion();

        CliResult result = await CliRunner.RunAsync(["publish", dir, .. fixture.Target(Layer), "--json"]);

        result.ExitCode.ShouldBe(0, result.ToString());
        JsonElement[] events = Events(result);
        JsonElement succeeded = events.Single(e => Name(e) == "publication-succeeded");
        long version = succeeded.GetProperty("version").GetInt64();
        version.ShouldBe(before + 1);
        fixture.Emulator.GetCatalogVersion().ShouldBe(version);
        succeeded.GetProperty("partitions").GetInt32().ShouldBe(3);
        succeeded.GetProperty("verified").GetBoolean().ShouldBeTrue();

        JsonElement[] items = [.. events.Where(e => Name(e) == "item-completed")];
        items.Select(e => e.GetProperty("partition").GetString()).Order(StringComparer.Ordinal)
            .ShouldBe(["publish-json:a.bin", "publish-json:sub:b.bin", "publish-json:sub:deep:c.bin"]);
        var visible = fixture.Emulator.GetPartitions(Layer, version).ToDictionary(p => p.Partition, StringComparer.Ordinal);
        foreach (JsonElement item in items)
        {
            byte[] data = await File.ReadAllBytesAsync(item.GetProperty("source").GetString()!);
            item.GetProperty("size").GetInt64().ShouldBe(data.Length);
            visible.TryGetValue(item.GetProperty("partition").GetString()!, out EmulatorPartition? partition).ShouldBeTrue();
            partition!.DataHandle.ShouldBe(item.GetProperty("handle").GetString());
            partition.Version.ShouldBe(version);
            partition.DataSize.ShouldBe(data.Length);
            ReadBlob(partition.DataHandle).ShouldBe(data);
        }
    }

    [Fact]
    public async Task Partitions_AfterPublish_ListsEveryPublishedPartitionWithItsHandle()
    {
        string dir = MakeTree("list-after", ["x.bin", "y/z.bin"]);
        CliResult published = await CliRunner.RunAsync(["publish", dir, .. fixture.Target(Layer), "--json"]);
        published.ExitCode.ShouldBe(0, published.ToString());
        JsonElement[] publishEvents = Events(published);
        long version = publishEvents.Single(e => Name(e) == "publication-succeeded").GetProperty("version").GetInt64();

        CliResult listed = await CliRunner.RunAsync(["partitions", .. fixture.Target(Layer), "--json"]);

        listed.ExitCode.ShouldBe(0, listed.ToString());
        JsonElement[] events = Events(listed);
        var handles = events.Where(e => Name(e) == "partition")
            .ToDictionary(e => e.GetProperty("partition").GetString()!, e => e.GetProperty("handle").GetString(), StringComparer.Ordinal);
        foreach (JsonElement item in publishEvents.Where(e => Name(e) == "item-completed"))
        {
            handles.TryGetValue(item.GetProperty("partition").GetString()!, out string? handle).ShouldBeTrue($"{item} is listed");
            handle.ShouldBe(item.GetProperty("handle").GetString());
        }

        // Earlier publications of this class's catalog are listed too: every partition visible at the version, no more.
        handles.Keys.Order(StringComparer.Ordinal).ShouldBe(fixture.Emulator.GetPartitions(Layer, version).Select(p => p.Partition).Order(StringComparer.Ordinal));
        JsonElement summary = events[^1];
        Name(summary).ShouldBe("partitions");
        summary.GetProperty("version").GetInt64().ShouldBe(version);
        summary.GetProperty("count").GetInt32().ShouldBe(handles.Count);
    }

    [Fact]
    public async Task Publish_FileNameWithASpace_ExitsTwo_WithoutAnyUploadOrPublishRequest()
    {
        string dir = MakeTree("bad-id", ["ok.bin", "a b.bin"]);
        int publications = fixture.Emulator.Publications.Count;
        DateTimeOffset start = TimeProvider.System.GetUtcNow(); // by arrival: the emulator journals a request once answered

        CliResult result = await CliRunner.RunAsync(["publish", dir, .. fixture.Target(Layer), "--json"]);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.StdErr.ShouldContain("bad-id:a b.bin");
        Events(result).Single(e => Name(e) == "failed").GetProperty("error").GetString().ShouldBe("bad-input");
        fixture.Emulator.Journal.Entries.Where(e => e.Timestamp >= start && e.Operation is { } op && PublishOrUpload.Contains(op)).ShouldBeEmpty();
        fixture.Emulator.Publications.Count.ShouldBe(publications);
    }

    private static JsonElement[] Events(CliResult result) => [.. result.Lines.Select(l => JsonDocument.Parse(l).RootElement)];

    private static string? Name(JsonElement e) => e.GetProperty("event").GetString();

    private byte[] ReadBlob(string handle)
    {
        using Stream? blob = fixture.Emulator.OpenBlob(Layer, handle);
        blob.ShouldNotBeNull($"a blob is stored under '{handle}'");
        using var copy = new MemoryStream();
        blob.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Files below <c>publish-name/name/</c> of the work directory, which is published: partition ids start with <c>name:</c>, distinct per test.</summary>
    private string MakeTree(string name, string[] files)
    {
        string root = Path.Combine(fixture.WorkDirectory, "publish-" + name);
        foreach ((string relative, int i) in files.Select((f, i) => (f, i)))
        {
            string path = Path.Combine(root, name, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            byte[] data = new byte[1000 + (i * 777)];
            new Random(i).NextBytes(data);
            File.WriteAllBytes(path, data);
        }

        return root;
    }
}
