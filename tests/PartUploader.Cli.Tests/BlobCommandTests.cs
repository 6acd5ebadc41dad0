using System.Text.Json;
using PartUploader.Emulator;

namespace PartUploader.Cli.Tests;

/// <summary><c>partupload download</c> (to a file or standard output, whole or a range) and <c>partupload delete</c>, against the emulator.</summary>
public sealed class BlobCommandTests(CliEmulatorFixture fixture) : IClassFixture<CliEmulatorFixture>
{
    private const int MiB = 1024 * 1024;

    private RequestJournal Journal => fixture.Emulator.Journal;

    private async Task<(string Handle, byte[] Data)> StoreAsync(string name, int length, string? layer = null)
    {
        string path = fixture.WriteFile(name, length, seed: length % 100);
        string handle = CliEmulatorFixture.NewHandle(Path.GetFileNameWithoutExtension(name));
        CliResult stored = await CliRunner.RunAsync(["upload", path, .. fixture.Target(layer), "--handle", handle]);
        stored.ExitCode.ShouldBe(0, stored.ToString());
        return (handle, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task Download_Range_WritesExactlyThoseBytesAskedWithOneRangedRequest()
    {
        (string handle, byte[] data) = await StoreAsync("range.bin", 10_000);
        string output = Path.Combine(fixture.WorkDirectory, "range.out");

        CliResult result = await CliRunner.RunAsync(["download", .. fixture.Target(), "--handle", handle, "--range", "100-199", "--output", output]);

        result.ExitCode.ShouldBe(0, result.ToString());
        (await File.ReadAllBytesAsync(output)).ShouldBe(data[100..200]);
        result.StdOut.Trim().ShouldBe($"downloaded: {handle}, 100 bytes (bytes 100-199) to {output}");
        JournalEntry get = await Journal.WaitForAsync(e => e.IsFor(EmulatorOperation.GetBlob, handle));
        get.Headers["Range"].ShouldBe("bytes=100-199");
        get.StatusCode.ShouldBe(206);
    }

    [Fact]
    public async Task Download_OpenRangeToStandardOutput_WritesFromTheOffsetToTheEnd()
    {
        (string handle, byte[] data) = await StoreAsync("tail.bin", 5_000);

        (int exitCode, byte[] stdout, string stderr) = await CliRunner.RunBinaryAsync(["download", .. fixture.Target(), "--handle", handle, "--range", "4000-", "-o", "-"]);

        exitCode.ShouldBe(0, stderr);
        stdout.ShouldBe(data[4000..]);
        stderr.ShouldContain($"downloaded: {handle}, 1000 bytes (bytes 4000-) to standard output");
    }

    [Fact]
    public async Task Download_WholeBlobToStandardOutput_IsByteIdentical()
    {
        (string handle, byte[] data) = await StoreAsync("whole-stdout.bin", (3 * MiB) + 11);

        (int exitCode, byte[] stdout, string stderr) = await CliRunner.RunBinaryAsync(["download", .. fixture.Target(), "--handle", handle, "--output", "-"]);

        exitCode.ShouldBe(0, stderr);
        stdout.AsSpan().SequenceEqual(data).ShouldBeTrue("standard output holds the blob, byte for byte, and nothing else");
        JournalEntry get = await Journal.WaitForAsync(e => e.IsFor(EmulatorOperation.GetBlob, handle));
        get.Headers.ContainsKey("Range").ShouldBeFalse();
    }

    [Fact]
    public async Task Download_WholeMultipartBlobToFile_IsByteIdenticalAndReportedInJson()
    {
        (string handle, byte[] data) = await StoreAsync("whole-file.bin", (52 * MiB) + 3);
        string output = Path.Combine(fixture.WorkDirectory, "whole-file.out");

        CliResult result = await CliRunner.RunAsync(["download", .. fixture.Target(), "--handle", handle, "--output", output, "--json"]);

        result.ExitCode.ShouldBe(0, result.ToString());
        (await File.ReadAllBytesAsync(output)).AsSpan().SequenceEqual(data).ShouldBeTrue("the file holds the blob, byte for byte");
        JsonElement downloaded = JsonDocument.Parse(result.Lines.Single()).RootElement;
        downloaded.GetProperty("event").GetString().ShouldBe("downloaded");
        downloaded.GetProperty("bytes").GetInt64().ShouldBe(data.LongLength);
        downloaded.GetProperty("handle").GetString().ShouldBe(handle);
    }

    [Fact]
    public async Task Download_RangeStartingPastTheEnd_ExitsFourSayingSoAndWritesNoFile()
    {
        (string handle, _) = await StoreAsync("short.bin", 500);
        string output = Path.Combine(fixture.WorkDirectory, "past-end.out");

        CliResult result = await CliRunner.RunAsync(["download", .. fixture.Target(), "--handle", handle, "--range", "500-", "--output", output]);

        result.ExitCode.ShouldBe(4, result.ToString());
        result.StdErr.ShouldContain("--range starts at or past the end of the blob");
        File.Exists(output).ShouldBeFalse();
        (await Journal.WaitForAsync(e => e.IsFor(EmulatorOperation.GetBlob, handle))).StatusCode.ShouldBe(416);
    }

    [Fact]
    public async Task Download_BillingTag_IsSentWithTheRequest()
    {
        (string handle, _) = await StoreAsync("billed.bin", 300);
        string output = Path.Combine(fixture.WorkDirectory, "billed.out");

        CliResult result = await CliRunner.RunAsync(["download", .. fixture.Target(), "--handle", handle, "--output", output, "--billing-tag", "Dl1234"]);

        result.ExitCode.ShouldBe(0, result.ToString());
        (await Journal.WaitForAsync(e => e.IsFor(EmulatorOperation.GetBlob, handle))).BillingTag.ShouldBe("Dl1234");
    }

    [Fact]
    public async Task Download_NoBlobUnderTheHandle_ExitsSixAndWritesNoFile()
    {
        string output = Path.Combine(fixture.WorkDirectory, "missing.out");

        CliResult result = await CliRunner.RunAsync(["download", .. fixture.Target(), "--handle", "no-such-blob", "--output", output]);

        result.ExitCode.ShouldBe(6, result.ToString());
        result.StdErr.ShouldContain("partupload: not-found: No blob exists under the handle 'no-such-blob'");
        File.Exists(output).ShouldBeFalse();
    }

    [Fact]
    public async Task Status_BillingTag_IsSentWithTheHeadRequest()
    {
        (string handle, _) = await StoreAsync("status-billed.bin", 100);

        CliResult result = await CliRunner.RunAsync(["status", .. fixture.Target(), "--handle", handle, "--billing-tag", "Head1234"]);

        result.ExitCode.ShouldBe(0, result.ToString());
        (await Journal.WaitForAsync(e => e.IsFor(EmulatorOperation.HeadBlob, handle))).BillingTag.ShouldBe("Head1234");
    }

    [Fact]
    public async Task Delete_BlobOfAnIndexLayer_ExitsZeroAndTheBlobIsGone()
    {
        string layer = fixture.Emulator.IndexLayerId;
        (string handle, _) = await StoreAsync("delete.bin", 2_000, layer);

        CliResult result = await CliRunner.RunAsync(["delete", .. fixture.Target(layer), "--handle", handle, "--billing-tag", "Del1234", "--json"]);

        result.ExitCode.ShouldBe(0, result.ToString());
        JsonDocument.Parse(result.StdOut).RootElement.GetProperty("event").GetString().ShouldBe("deleted");
        JournalEntry delete = await Journal.WaitForAsync(e => e.IsFor(EmulatorOperation.DeleteBlob, handle));
        delete.StatusCode.ShouldBe(202);
        delete.BillingTag.ShouldBe("Del1234");
        fixture.Emulator.GetBlob(layer, handle).ShouldBeNull();
    }

    [Fact]
    public async Task Delete_NoBlobUnderTheHandle_ExitsSix()
    {
        CliResult result = await CliRunner.RunAsync(["delete", .. fixture.Target(fixture.Emulator.IndexLayerId), "--handle", "never-stored"]);

        result.ExitCode.ShouldBe(6, result.ToString());
        result.StdErr.ShouldContain("partupload: not-found:");
    }

    [Fact]
    public async Task Delete_VersionedLayer_ExitsThreeSayingIndexLayersOnly()
    {
        (string handle, _) = await StoreAsync("keep.bin", 100);

        CliResult result = await CliRunner.RunAsync(["delete", .. fixture.Target(), "--handle", handle]);

        result.ExitCode.ShouldBe(3, result.ToString());
        result.StdErr.ShouldContain("index layers only");
        fixture.Emulator.GetBlob(fixture.Emulator.DefaultLayerId, handle).ShouldNotBeNull();
    }
}
