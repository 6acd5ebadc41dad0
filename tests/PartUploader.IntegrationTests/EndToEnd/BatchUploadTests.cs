using System.Text.Json;
using PartUploader.Emulator;

namespace PartUploader.IntegrationTests.EndToEnd;

/// <summary>Many blobs in one call over one window of requests and one memory budget, against the emulator.</summary>
public sealed class BatchUploadTests(EmulatorFixture fixture) : EmulatorTestBase(fixture), IClassFixture<EmulatorFixture>, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("partuploader-batch-").FullName;

    public new void Dispose()
    {
        base.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task UploadBatchAsync_ManySmallAndSomeLargeFilesInNestedFolders_AllStoredWithinWindowAndBudget()
    {
        var expected = new Dictionary<string, byte[]>();
        var random = new Random(11);
        for (int i = 0; i < 500; i++)
        {
            expected[$"tiles/{i % 7}/{i / 7 % 5}/t{i}.bin"] = Data(random.Next(0, 300 * 1024), seed: i);
        }

        foreach ((int mib, int i) in new[] { 20, 30, 40, 60, 80 }.Select((m, i) => (m, i)))
        {
            expected[$"archives/a{i}.tar"] = Data(mib * MiB, seed: 1000 + i);
        }

        WriteTree(expected);
        string prefix = "r" + Guid.NewGuid().ToString("N")[..8] + ".";
        IReadOnlyList<BatchUploadItem> items = BatchUploadItem.FromDirectory(_root, new DirectoryUploadOptions { HandlePrefix = prefix });
        Emulator.Load.Reset();
        var finished = new System.Collections.Concurrent.ConcurrentBag<BatchItemResult>();
        PartUploadClient sut = CreateClient(o => o.MaxConcurrency = 4);

        BatchUploadResult result = await sut.UploadBatchAsync(items, new BatchUploadOptions
        {
            LayerId = BlobEmulatorOptions.DemoVersionedLayerId,
            ItemFinished = finished.Add,
        });

        result.Failed.ShouldBe(0, string.Join("\n", result.Failures));
        result.Items.Count.ShouldBe(505);
        finished.Count.ShouldBe(505);
        result.Items.Select(i => i.Item.DataHandle).ShouldBe(items.Select(i => i.DataHandle), "results come in the order given");
        foreach ((string relative, byte[] data) in expected)
        {
            ShouldHaveStored(prefix + relative.Replace('/', '.'), data);
        }

        Emulator.Load.PeakInFlight.ShouldBeLessThanOrEqualTo(4, "MaxConcurrency counts requests in flight across all blobs");
        Emulator.Load.PeakInFlight.ShouldBeGreaterThan(1, "blobs overlap");
        Diagnostics.Window!.Peak.ShouldBeLessThanOrEqualTo(4);
        Diagnostics.Pool!.PeakBytes.ShouldBeLessThanOrEqualTo(64 * MiB, "one memory budget for all buffered data");
        Diagnostics.Pool.Outstanding.ShouldBe(0);
        foreach (BatchItemResult multipart in result.Items.Where(i => i.Result!.Multipart))
        {
            ShouldNeverReuseNumbers(multipart.Item.DataHandle);
        }
    }

    [Fact]
    public async Task UploadBatchAsync_FaultsAcrossTheBatch_EachItemStoredOrTypedFailureWithItsUploadCancelled()
    {
        byte[][] data = [.. Enumerable.Range(0, 6).Select(i => Data((i % 2 == 0 ? 12 : 1) * MiB, seed: 50 + i))];
        string[] handles = [.. data.Select((_, i) => NewHandle("fault" + i))];
        Emulator.Faults.Add(FaultRule.Status(403) with { Operation = EmulatorOperation.UploadPart, DataHandle = handles[2], PartNumber = 2, Times = FaultRule.Unlimited });
        Emulator.Faults.Add(FaultRule.Status(503) with { Operation = EmulatorOperation.UploadPart, EveryNth = 3, Times = FaultRule.Unlimited });
        PartUploadClient sut = CreateClient(o => o.SingleShotThreshold = 5 * MiB); // 12 MiB items go multipart, 1 MiB items in one PUT

        BatchUploadResult result = await sut.UploadBatchAsync(
            data.Select((d, i) => BatchUploadItem.FromFile(WriteFile(d), handles[i])),
            new BatchUploadOptions { LayerId = BlobEmulatorOptions.DemoVersionedLayerId });

        result.Failed.ShouldBe(1);
        BatchItemResult failed = result.Failures.Single();
        failed.Item.DataHandle.ShouldBe(handles[2]);
        failed.Error.ShouldBeAssignableTo<PartUploadException>()!.Status.ShouldBe(403);
        UploadOf(handles[2]).State.ShouldBe(UploadState.Cancelled);
        foreach (int i in new[] { 0, 1, 3, 4, 5 })
        {
            ShouldHaveStored(handles[i], data[i]);
        }

        foreach (int i in new[] { 0, 2, 4 })
        {
            ShouldNeverReuseNumbers(handles[i]);
        }

        Emulator.Uploads.Where(u => handles.Contains(u.DataHandle)).ShouldNotContain(u => u.State == UploadState.Open);
    }

    [Fact]
    public async Task UploadBatchAsync_StopOnFirstError_ThrowsWithTheResultsAndStartsNothingMore()
    {
        string[] handles = [.. Enumerable.Range(0, 40).Select(i => NewHandle("stop" + i))];
        Emulator.Faults.Add(FaultRule.Status(403) with { Operation = EmulatorOperation.PutBlob, DataHandle = handles[0] });
        PartUploadClient sut = CreateClient(o => o.MaxConcurrency = 1);

        var ex = await Should.ThrowAsync<BatchUploadException>(() => sut.UploadBatchAsync(
            handles.Select((h, i) => BatchUploadItem.FromFile(WriteFile(Data(1000, seed: i)), h)),
            new BatchUploadOptions { LayerId = BlobEmulatorOptions.DemoVersionedLayerId, ErrorPolicy = BatchErrorPolicy.StopOnFirstError }));

        ex.InnerException.ShouldBeAssignableTo<PartUploadException>()!.Status.ShouldBe(403);
        ex.Result!.Items.Count.ShouldBeLessThan(handles.Length, "no item starts after the first failure");
        ex.Result.Items[0].Succeeded.ShouldBeFalse();
    }

    [Fact]
    public async Task UploadBatchAsync_FileDeletedBetweenListingAndReading_ThatItemFailsTheOthersAreStored()
    {
        WriteTree(new Dictionary<string, byte[]> { ["a.bin"] = Data(100, 1), ["b.bin"] = Data(200, 2), ["c.bin"] = Data(300, 3) });
        string prefix = "del" + Guid.NewGuid().ToString("N")[..8] + ".";
        IReadOnlyList<BatchUploadItem> items = BatchUploadItem.FromDirectory(_root, new DirectoryUploadOptions { HandlePrefix = prefix });
        File.Delete(Path.Combine(_root, "b.bin"));
        PartUploadClient sut = CreateClient();

        BatchUploadResult result = await sut.UploadBatchAsync(items, new BatchUploadOptions { LayerId = BlobEmulatorOptions.DemoVersionedLayerId });

        result.Succeeded.ShouldBe(2);
        result.Failures.Single().Error.ShouldBeOfType<FileNotFoundException>();
        ShouldHaveStored(prefix + "a.bin", Data(100, 1));
        ShouldHaveStored(prefix + "c.bin", Data(300, 3));
    }

    [Fact]
    public async Task UploadBatchAsync_Cancelled_ThrowsAndLeavesNoUploadOpen()
    {
        string[] handles = [.. Enumerable.Range(0, 3).Select(i => NewHandle("cancel" + i))];
        using var cts = new CancellationTokenSource();
        var progress = new SynchronousProgress<BatchProgress>(p =>
        {
            if (p.BytesAcknowledged > 0)
            {
                cts.Cancel();
            }
        });
        PartUploadClient sut = CreateClient(o => o.MaxConcurrency = 2);

        await Should.ThrowAsync<OperationCanceledException>(() => sut.UploadBatchAsync(
            handles.Select((h, i) => BatchUploadItem.FromFile(WriteFile(Data(30 * MiB, seed: i)), h)),
            new BatchUploadOptions { LayerId = BlobEmulatorOptions.DemoVersionedLayerId, Progress = progress },
            cts.Token));

        Emulator.Uploads.Where(u => handles.Contains(u.DataHandle)).ShouldNotContain(u => u.State == UploadState.Open);
        Diagnostics.Pool!.Outstanding.ShouldBe(0);
    }

    [Fact]
    public async Task WriteManifestAsync_ListsEachItemWithSizeCrcAndRequestedDigestsOrItsError()
    {
        string ok = NewHandle("manifest-ok");
        PartUploadClient sut = CreateClient();
        BatchUploadResult result = await sut.UploadBatchAsync(
            [BatchUploadItem.FromFile(WriteFile(Data(4096, 9)), ok), BatchUploadItem.FromFile(Path.Combine(_root, "missing.bin"), NewHandle("manifest-missing"))],
            new BatchUploadOptions { LayerId = BlobEmulatorOptions.DemoVersionedLayerId, WholeBlobDigests = WholeBlobDigests.Sha256 });
        using var json = new MemoryStream();

        await result.WriteManifestAsync(json);

        JsonElement manifest = JsonDocument.Parse(json.ToArray()).RootElement;
        manifest.GetProperty("succeeded").GetInt32().ShouldBe(1);
        JsonElement[] entries = [.. manifest.GetProperty("items").EnumerateArray()];
        entries[0].GetProperty("handle").GetString().ShouldBe(ok);
        entries[0].GetProperty("size").GetInt64().ShouldBe(4096);
        entries[0].GetProperty("crc32c").GetString().ShouldBe(result.Items[0].Result!.Crc32C.ToString("x8", System.Globalization.CultureInfo.InvariantCulture));
        entries[0].GetProperty("sha256").GetString().ShouldBe(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Data(4096, 9))));
        entries[1].GetProperty("error").GetString().ShouldBe(nameof(FileNotFoundException));
    }

    [Fact]
    public async Task WriteManifestAsync_Csv_OneQuotedRowPerItemWithTheJsonManifestsValues()
    {
        string ok = NewHandle("manifest-csv");
        string awkward = WriteFile(Data(5000, 11));
        string named = Path.Combine(Path.GetDirectoryName(awkward)!, "a, \"quoted\" name.bin");
        File.Move(awkward, named);
        PartUploadClient sut = CreateClient();
        BatchUploadResult result = await sut.UploadBatchAsync(
            [BatchUploadItem.FromFile(named, ok), BatchUploadItem.FromFile(Path.Combine(_root, "missing.bin"), NewHandle("manifest-csv-missing"))],
            new BatchUploadOptions { LayerId = BlobEmulatorOptions.DemoVersionedLayerId, WholeBlobDigests = WholeBlobDigests.Sha1 });
        using var csv = new MemoryStream();

        await result.WriteManifestAsync(csv, BatchManifestFormat.Csv);

        string[] lines = System.Text.Encoding.UTF8.GetString(csv.ToArray()).Split("\r\n");
        lines[0].ShouldBe("source,handle,size,crc32c,md5,sha1,sha256,error,message");
        string crc = result.Items[0].Result!.Crc32C.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
#pragma warning disable CA5350 // The service offers SHA1 digests; the test checks the one the SDK computed.
        string sha1 = Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(Data(5000, 11)));
#pragma warning restore CA5350
        lines[1].ShouldBe($"\"{named.Replace("\"", "\"\"", StringComparison.Ordinal)}\",{ok},5000,{crc},,{sha1},,,");
        lines[2].ShouldStartWith(Path.Combine(_root, "missing.bin") + ",");
        lines[2].ShouldContain(",,,,,," + nameof(FileNotFoundException) + ",");
        lines[3].ShouldBeEmpty("the last row ends with CRLF");
        lines.Length.ShouldBe(4);
    }

    [Fact]
    public async Task UploadBatchAsync_PerItemLayerContentTypeAndEncoding_OverrideTheBatchsOnTheWire()
    {
        string plain = NewHandle("item-plain");
        string other = NewHandle("item-other");
        string typed = NewHandle("item-typed");
        string encoded = NewHandle("item-encoded");
        PartUploadClient sut = CreateClient();

        BatchUploadResult result = await sut.UploadBatchAsync(
            [
                BatchUploadItem.FromFile(WriteFile(Data(3000, 21)), plain),
                BatchUploadItem.FromFile(WriteFile(Data(4000, 22)), other).WithLayer(BlobEmulatorOptions.DemoIndexLayerId),
                BatchUploadItem.FromFile(WriteFile(Data(5000, 23)), typed).WithContentType("text/plain"),
                BatchUploadItem.FromFile(WriteFile(Data(6000, 24)), encoded).WithContentEncoding("gzip"),
            ],
            new BatchUploadOptions { LayerId = BlobEmulatorOptions.DemoVersionedLayerId });

        ShouldHaveStored(plain, Data(3000, 21));
        (await sut.ExistsAsync(BlobEmulatorOptions.DemoIndexLayerId, other)).ShouldBeTrue();
        (await sut.ExistsAsync(BlobEmulatorOptions.DemoVersionedLayerId, other)).ShouldBeFalse();

        // The demo layers take only their configured content type and no encoding: each item's own value reached the
        // wire and was refused, for that item alone.
        result.Failures.Select(f => (f.Item.DataHandle, ((PartUploadException)f.Error!).ErrorCode)).ShouldBe(
            [(typed, "E_BLOB_CONTENT_TYPE_MISMATCH"), (encoded, "E_BLOB_CONTENT_ENCODING_MISMATCH")]);
        (await WaitForEntryAsync(e => e.Path.EndsWith("/" + typed, StringComparison.Ordinal))).ContentType.ShouldBe("text/plain");
        (await WaitForEntryAsync(e => e.Path.EndsWith("/" + encoded, StringComparison.Ordinal))).Headers
            .ShouldContain(h => string.Equals(h.Key, "Content-Encoding", StringComparison.OrdinalIgnoreCase) && h.Value == "gzip");
    }

    [Fact]
    public void With_ReturnsACopy_AndRefusesEmptyValues()
    {
        BatchUploadItem item = BatchUploadItem.FromFile("a.bin", "h");

        BatchUploadItem layered = item.WithLayer("tiles");

        item.LayerId.ShouldBeNull();
        layered.LayerId.ShouldBe("tiles");
        layered.DataHandle.ShouldBe("h");
        Should.Throw<ArgumentException>(() => item.WithLayer(" "));
        Should.Throw<ArgumentException>(() => item.WithContentType(""));
        Should.Throw<ArgumentException>(() => item.WithContentEncoding(null!));
    }

    [Fact]
    public async Task WriteManifestAsync_UndefinedFormat_Throws()
    {
        var result = new BatchUploadResult([], TimeSpan.Zero);

        await Should.ThrowAsync<ArgumentOutOfRangeException>(() => result.WriteManifestAsync(Stream.Null, (BatchManifestFormat)7));
    }

    private void WriteTree(Dictionary<string, byte[]> files)
    {
        foreach ((string relative, byte[] data) in files)
        {
            string path = Path.Combine(_root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, data);
        }
    }

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
