using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PartUploader.Emulator;

#pragma warning disable CA5350, CA5351 // MD5 and SHA-1 are test oracles for the whole-blob digests.

namespace PartUploader.Cli.Tests;

/// <summary>The upload options that expose the SDK's blob attributes and tuning, each checked on the wire at the emulator.</summary>
public sealed class UploadTuningTests(ParityEmulatorFixture fixture) : IClassFixture<ParityEmulatorFixture>
{
    private const int MiB = 1024 * 1024;

    private RequestJournal Journal => fixture.Emulator.Journal;

    [Fact]
    public async Task Upload_BillingTag_EveryBlobRequestCarriesIt()
    {
        string path = fixture.WriteFile("billing.bin", 4000);
        string handle = CliEmulatorFixture.NewHandle("billing");

        CliResult result = await CliRunner.RunAsync(["upload", path, .. fixture.Target(), "--handle", handle, "--force-multipart", "--billing-tag", "Team42"]);

        result.ExitCode.ShouldBe(0, result.ToString());
        await Journal.WaitForAsync(e => e.IsFor(EmulatorOperation.CompleteMultipart, handle));
        JournalEntry[] calls = Journal.ForHandle(handle);
        calls.Select(e => e.Operation).ShouldContain(EmulatorOperation.StartMultipart);
        calls.Select(e => e.Operation).ShouldContain(EmulatorOperation.UploadPart);
        calls.ShouldAllBe(e => e.BillingTag == "Team42");
    }

    [Fact]
    public async Task Upload_ContentEncoding_DeclaredOnTheRequestAndBytesSentAsTheyAre()
    {
        byte[] gzipped = Gzip(Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Range(0, 5000))));
        string path = Path.Combine(fixture.WorkDirectory, "already.gz");
        await File.WriteAllBytesAsync(path, gzipped);
        string handle = CliEmulatorFixture.NewHandle("encoded");

        CliResult result = await CliRunner.RunAsync(["upload", path, .. fixture.Target(ParityEmulatorFixture.GzipLayer), "--handle", handle, "--content-encoding", "gzip"]);

        result.ExitCode.ShouldBe(0, result.ToString());
        JournalEntry put = await Journal.WaitForAsync(e => e.IsFor(EmulatorOperation.PutBlob, handle));
        put.Headers["Content-Encoding"].ShouldBe("gzip");
        ReadBlob(ParityEmulatorFixture.GzipLayer, handle).ShouldBe(gzipped);
    }

    [Fact]
    public async Task Upload_Gzip_StoredBlobDecompressesToTheSourceAndBothSizesAreReported()
    {
        byte[] text = Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Range(0, 300_000).Select(i => $"line {i}: {i % 97}")));
        string path = Path.Combine(fixture.WorkDirectory, "text.log");
        await File.WriteAllBytesAsync(path, text);
        string handle = CliEmulatorFixture.NewHandle("gzip");

        CliResult result = await CliRunner.RunAsync(["upload", path, .. fixture.Target(ParityEmulatorFixture.GzipLayer), "--handle", handle, "--gzip", "--json"]);

        result.ExitCode.ShouldBe(0, result.ToString());
        byte[] stored = ReadBlob(ParityEmulatorFixture.GzipLayer, handle);
        Gunzip(stored).ShouldBe(text);
        stored.Length.ShouldBeLessThan(text.Length / 2, "the blob is stored compressed");
        JsonElement completed = JsonDocument.Parse(result.Lines[^1]).RootElement;
        completed.GetProperty("event").GetString().ShouldBe("completed");
        completed.GetProperty("size").GetInt64().ShouldBe(stored.Length);
        completed.GetProperty("originalSize").GetInt64().ShouldBe(text.Length);
        completed.GetProperty("contentEncoding").GetString().ShouldBe("gzip");
        JournalEntry put = await Journal.WaitForAsync(e => e.IsFor(EmulatorOperation.PutBlob, handle));
        put.Headers["Content-Encoding"].ShouldBe("gzip");
    }

    [Fact]
    public async Task Upload_GzipFromStandardInputMultipart_DecompressesByteIdenticalAndTextReportsBothSizes()
    {
        byte[] text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 200_000).Select(i => $"{i},{i * 7 % 1000}\n")));
        string handle = CliEmulatorFixture.NewHandle("gzip-stdin");

        CliResult result = await CliRunner.RunAsync(["upload", "-", .. fixture.Target(ParityEmulatorFixture.GzipLayer), "--handle", handle, "--gzip", "--force-multipart"], stdin: text);

        result.ExitCode.ShouldBe(0, result.ToString());
        byte[] stored = ReadBlob(ParityEmulatorFixture.GzipLayer, handle);
        Gunzip(stored).ShouldBe(text);
        result.Lines[^1].ShouldStartWith($"uploaded: {handle}, {stored.Length} bytes (gzip of {text.Length} bytes) in 1 part");
        await Journal.WaitForAsync(e => e.IsFor(EmulatorOperation.CompleteMultipart, handle));
    }

    [Theory]
    [InlineData("fresh", new[] { 1, 2, 3 })]
    [InlineData("reserved", new[] { 1, 5, 9 })]
    public async Task Upload_Numbering_PartNumbersOnTheWireFollowThePolicy(string numbering, int[] expected)
    {
        string path = fixture.WriteFile($"numbering-{numbering}.bin", (11 * MiB) + 5);
        string handle = CliEmulatorFixture.NewHandle("numbering-" + numbering);

        CliResult result = await CliRunner.RunAsync(["upload", path, .. fixture.Target(), "--handle", handle, "--part-size", "5MiB", "--force-multipart", "--numbering", numbering]);

        result.ExitCode.ShouldBe(0, result.ToString());
        UploadRecord upload = fixture.Emulator.Uploads.Single(u => u.DataHandle == handle);
        upload.PartNumbersReceived.Order().ShouldBe(expected);
        fixture.ReadBlob(handle).ShouldBe(await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task Upload_VerifyFull_ReadsTheWholeBlobBackAfterCompletion()
    {
        string path = fixture.WriteFile("verify.bin", 70_000);
        string handle = CliEmulatorFixture.NewHandle("verify");

        CliResult result = await CliRunner.RunAsync(["upload", path, .. fixture.Target(), "--handle", handle, "--force-multipart", "--verify", "full", "--json"]);

        result.ExitCode.ShouldBe(0, result.ToString());
        JsonDocument.Parse(result.Lines[^1]).RootElement.GetProperty("verifiedRanges").GetInt32().ShouldBe(1);
        JournalEntry get = await Journal.WaitForAsync(e => e.IsFor(EmulatorOperation.GetBlob, handle));
        get.Headers["Range"].ShouldBe("bytes=0-69999");
        get.StatusCode.ShouldBe(206);
    }

    [Fact]
    public async Task Upload_VerifyRetriedWithoutRetries_ReadsNothingBack()
    {
        string path = fixture.WriteFile("noverify.bin", 70_000);
        string handle = CliEmulatorFixture.NewHandle("noverify");

        CliResult result = await CliRunner.RunAsync(["upload", path, .. fixture.Target(), "--handle", handle, "--force-multipart", "--verify", "retried", "--json"]);

        result.ExitCode.ShouldBe(0, result.ToString());
        JsonDocument.Parse(result.Lines[^1]).RootElement.GetProperty("verifiedRanges").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task Upload_Digests_PrintedInTextAndInJsonAndMatchTheStoredBlob()
    {
        string path = fixture.WriteFile("digests.bin", (2 * MiB) + 9, seed: 3);
        byte[] data = await File.ReadAllBytesAsync(path);
        string textHandle = CliEmulatorFixture.NewHandle("digests-text");
        string jsonHandle = CliEmulatorFixture.NewHandle("digests-json");

        CliResult text = await CliRunner.RunAsync(["upload", path, .. fixture.Target(), "--handle", textHandle, "--digests", "sha1,sha256,md5"]);
        CliResult json = await CliRunner.RunAsync(["upload", path, .. fixture.Target(), "--handle", jsonHandle, "--digests", "SHA256, md5", "--json"]);

        text.ExitCode.ShouldBe(0, text.ToString());
        text.Lines.ShouldContain($"md5: {Convert.ToHexStringLower(MD5.HashData(data))}");
        text.Lines.ShouldContain($"sha1: {Convert.ToHexStringLower(SHA1.HashData(data))}");
        text.Lines.ShouldContain($"sha256: {Convert.ToHexStringLower(SHA256.HashData(data))}");
        json.ExitCode.ShouldBe(0, json.ToString());
        JsonElement completed = JsonDocument.Parse(json.Lines[^1]).RootElement;
        completed.GetProperty("sha256").GetString().ShouldBe(fixture.Emulator.GetBlob(fixture.Emulator.DefaultLayerId, jsonHandle)!.Sha256);
        completed.GetProperty("md5").GetString().ShouldBe(Convert.ToHexStringLower(MD5.HashData(data)));
        completed.TryGetProperty("sha1", out _).ShouldBeFalse("only the digests asked for are computed");
    }

    [Fact]
    public async Task Upload_Budget_KeepsOnePartInFlight()
    {
        string path = fixture.WriteFile("budget.bin", (16 * MiB) + 1);
        string handle = CliEmulatorFixture.NewHandle("budget");

        // The first part's answer is held a while: with a larger budget the other parts would be in flight meanwhile.
        fixture.Emulator.Faults.Add(FaultRule.DelayResponse(TimeSpan.FromMilliseconds(300)) with { Operation = EmulatorOperation.UploadPart, DataHandle = handle, PartNumber = 1 });
        fixture.Emulator.Load.Reset();

        CliResult result = await CliRunner.RunAsync(["upload", path, .. fixture.Target(), "--handle", handle, "--part-size", "5MiB", "--concurrency", "8", "--budget", "5MiB"]);

        result.ExitCode.ShouldBe(0, result.ToString());
        fixture.Emulator.Uploads.Single(u => u.DataHandle == handle).PartNumbersReceived.Count.ShouldBe(4);
        fixture.Emulator.Load.PeakInFlight.ShouldBe(1);
        fixture.ReadBlob(handle).ShouldBe(await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task Upload_ForceMultipart_SmallFileGoesThroughAMultipartUpload()
    {
        string path = fixture.WriteFile("force.bin", 1000);
        string handle = CliEmulatorFixture.NewHandle("force");

        CliResult result = await CliRunner.RunAsync(["upload", path, .. fixture.Target(), "--handle", handle, "--force-multipart", "--json"]);

        result.ExitCode.ShouldBe(0, result.ToString());
        JsonDocument.Parse(result.Lines[^1]).RootElement.GetProperty("multipart").GetBoolean().ShouldBeTrue();
        await Journal.WaitForAsync(e => e.IsFor(EmulatorOperation.CompleteMultipart, handle));
        Journal.ForHandle(handle).ShouldNotContain(e => e.Operation == EmulatorOperation.PutBlob);
        fixture.ReadBlob(handle).ShouldBe(await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task Upload_DirectoryWithDigestsAndBillingTag_EachItemReportsItsDigestsAndEveryRequestIsTagged()
    {
        string directory = Directory.CreateDirectory(Path.Combine(fixture.WorkDirectory, CliEmulatorFixture.NewHandle("digests-dir"))).FullName;
        byte[] first = RandomNumberGenerator.GetBytes(3000);
        byte[] second = RandomNumberGenerator.GetBytes(5000);
        await File.WriteAllBytesAsync(Path.Combine(directory, "a.bin"), first);
        await File.WriteAllBytesAsync(Path.Combine(directory, "b.bin"), second);
        string prefix = CliEmulatorFixture.NewHandle("dd") + ".";

        CliResult result = await CliRunner.RunAsync(["upload", directory, .. fixture.Target(), "--handle-prefix", prefix, "--digests", "sha256", "--billing-tag", "Batch42", "--json"]);

        result.ExitCode.ShouldBe(0, result.ToString());
        JsonElement[] items = [.. result.Lines.Select(l => JsonDocument.Parse(l).RootElement.Clone()).Where(e => e.GetProperty("event").GetString() == "item-completed")];
        items.Length.ShouldBe(2);
        foreach ((string name, byte[] data) in new[] { ("a.bin", first), ("b.bin", second) })
        {
            JsonElement item = items.Single(i => i.GetProperty("handle").GetString() == prefix + name);
            item.GetProperty("sha256").GetString().ShouldBe(Convert.ToHexStringLower(SHA256.HashData(data)));
            (await Journal.WaitForAsync(e => e.IsFor(EmulatorOperation.PutBlob, prefix + name))).BillingTag.ShouldBe("Batch42");
        }
    }

    private byte[] ReadBlob(string layer, string handle)
    {
        using Stream? blob = fixture.Emulator.OpenBlob(layer, handle);
        blob.ShouldNotBeNull($"a blob is stored under '{handle}' in layer '{layer}'");
        using var copy = new MemoryStream();
        blob.CopyTo(copy);
        return copy.ToArray();
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private static byte[] Gunzip(byte[] data)
    {
        using var gzip = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        using var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }
}
