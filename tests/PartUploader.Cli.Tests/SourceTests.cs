using System.Diagnostics;
using System.Text.Json;

namespace PartUploader.Cli.Tests;

/// <summary>What the CLI uploads and how it reports it: FIFOs, digests in any case, part shapes, JSON fields, network errors.</summary>
public sealed class SourceTests(CliEmulatorFixture fixture) : IClassFixture<CliEmulatorFixture>
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task Upload_Fifo_IsStreamedLikeStandardInputAndStoredByteIdentical()
    {
        string fifo = Path.Combine(fixture.WorkDirectory, "data.fifo");
        using (Process mkfifo = Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync();
            mkfifo.ExitCode.ShouldBe(0);
        }

        byte[] data = new byte[12 * MiB];
        new Random(5).NextBytes(data);
        string handle = CliEmulatorFixture.NewHandle("fifo");
        Task<CliResult> upload = CliRunner.RunAsync(["upload", fifo, .. fixture.Target(), "--handle", handle]);
        await using (var writer = new FileStream(fifo, FileMode.Open, FileAccess.Write))
        {
            await writer.WriteAsync(data);
        }

        CliResult result = await upload;

        result.ExitCode.ShouldBe(0, result.ToString());
        fixture.ReadBlob(handle).ShouldBe(data);
    }

    [Fact]
    public async Task Upload_DigestInUpperCase_IsAccepted()
    {
        string path = fixture.WriteFile("upper-digest.bin", 1000);
        string handle = CliEmulatorFixture.NewHandle("upper");

        CliResult result = await CliRunner.RunAsync(["upload", path, .. fixture.Target(), "--handle", handle, "--digest", "SHA256"]);

        result.ExitCode.ShouldBe(0, result.ToString());
        fixture.Emulator.Journal.Entries.ShouldContain(e => e.Path.EndsWith("/" + handle, StringComparison.Ordinal) && e.Operation == Emulator.EmulatorOperation.PutBlob && e.DigestHeader!.StartsWith("SHA256:", StringComparison.Ordinal));
        fixture.ReadBlob(handle).ShouldBe(await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task Upload_PartSizeLargerThanTheFile_ReportsTheOnePartItsRealSize()
    {
        string path = fixture.WriteFile("one-part.bin", 52_000_000);
        string handle = CliEmulatorFixture.NewHandle("one-part");

        CliResult result = await CliRunner.RunAsync(["upload", path, .. fixture.Target(), "--handle", handle, "--part-size", "5GiB"]);

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StdOut.ShouldContain("in 1 part of 49.6 MiB");
        result.StdOut.ShouldNotContain("5.00 GiB");
    }

    [Fact]
    public async Task Upload_JsonProgressOfUnknownLength_WritesUnknownEtaAsNull()
    {
        string handle = CliEmulatorFixture.NewHandle("eta");

        CliResult result = await CliRunner.RunAsync(["upload", "-", .. fixture.Target(), "--handle", handle, "--json"], stdin: new byte[6 * MiB]);

        result.ExitCode.ShouldBe(0, result.ToString());
        JsonElement[] progress = [.. result.Lines.Select(l => JsonDocument.Parse(l).RootElement).Where(e => e.GetProperty("event").GetString() == "progress")];
        JsonElement first = progress.First(p => p.GetProperty("bytesAcknowledged").GetInt64() == 0);
        first.GetProperty("etaSeconds").ValueKind.ShouldBe(JsonValueKind.Null, "an unknown ETA is written as null, as an unknown total is");
    }

    [Fact]
    public async Task Upload_LookupServiceUnreachable_MessageNamesTheHostAndPort()
    {
        string path = fixture.WriteFile("unreachable.bin", 10);
        List<string> args = ["upload", path, .. fixture.Target(), "--handle", "unreachable"];
        args[args.IndexOf("--lookup-url") + 1] = "http://127.0.0.1:1/lookup/v1";

        CliResult result = await CliRunner.RunAsync(args);

        result.ExitCode.ShouldBe(4, result.ToString());
        result.StdErr.ShouldContain("127.0.0.1:1");
    }
}
