using System.Text.Json;
using PartUploader.Emulator;

namespace PartUploader.Cli.Tests;

/// <summary><c>partupload partitions</c> on a catalog nothing was published to: this class's own emulator, one test only.</summary>
public sealed class PartitionsFreshCatalogTests(CliEmulatorFixture fixture) : IClassFixture<CliEmulatorFixture>
{
    [Fact]
    public async Task Partitions_CatalogWithoutVersion_ExitsSix()
    {
        fixture.Emulator.GetCatalogVersion().ShouldBe(-1, "the fixture's catalog is fresh");

        CliResult result = await CliRunner.RunAsync(["partitions", .. fixture.Target(BlobEmulatorOptions.DemoVersionedLayerId), "--json"]);

        result.ExitCode.ShouldBe(6, result.ToString());
        JsonElement failed = JsonDocument.Parse(result.Lines.Single()).RootElement;
        failed.GetProperty("event").GetString().ShouldBe("failed");
        failed.GetProperty("error").GetString().ShouldBe("not-found");
    }
}
