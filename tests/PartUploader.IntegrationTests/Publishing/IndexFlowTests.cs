using System.Security.Cryptography;
using PartUploader.Emulator;
using PartUploader.IntegrationTests.EndToEnd;

namespace PartUploader.IntegrationTests.Publishing;

/// <summary>Adding blobs to the emulator's index layer: records in batches, and every check before any upload.</summary>
public sealed class IndexFlowTests(EmulatorFixture fixture) : PublishingTestBase(fixture), IClassFixture<EmulatorFixture>
{
    private string IndexLayer => Emulator.IndexLayerId;

    private static Dictionary<string, object> Fields(long time = 1_552_383_031_000, string source = "probe") =>
        new(StringComparer.Ordinal) { ["ingestionTime"] = time, ["source"] = source };

    [Fact]
    public async Task Index_Files_StoresEachBlobUnderALowercaseUuid_AndInsertsItsRecordInBatches()
    {
        string[] files = [.. Enumerable.Range(0, 7).Select(i => WriteFile(Data(500 + i, seed: i + 3)))];
        DateTimeOffset start = DateTimeOffset.UtcNow;

        IndexResult result = await CreatePublisher().IndexAsync(
            files.Select((f, i) => IndexItem.FromFile(f, Fields(time: 1_000 + i))),
            new IndexOptions { LayerId = IndexLayer, RecordsPerRequest = 3 });

        result.Records.Count.ShouldBe(7);
        Since(start, EmulatorOperation.InsertIndex).Count(e => e.StatusCode == 201).ShouldBe(3, "7 records in batches of at most 3");
        var stored = Emulator.GetIndexRecords(IndexLayer).ToDictionary(r => r.Id, StringComparer.Ordinal);
        for (int i = 0; i < files.Length; i++)
        {
            IndexedRecord sent = result.Records[i];
            sent.Source.ShouldBe(files[i]);
            Guid.Parse(sent.Id).ToString("D").ShouldBe(sent.Id, "a lowercase UUID");
            byte[] bytes = File.ReadAllBytes(files[i]);
            stored.TryGetValue(sent.Id, out EmulatorIndexRecord? record).ShouldBeTrue();
            record!.Size.ShouldBe(bytes.LongLength);
            record.Crc.ShouldBe(sent.Crc);
            record.Fields["ingestionTime"].GetInt64().ShouldBe(1_000 + i);
            record.Fields["source"].GetString().ShouldBe("probe");
            using Stream blob = Emulator.OpenBlob(IndexLayer, sent.Id)!;
            using var copy = new MemoryStream();
            await blob.CopyToAsync(copy);
            SHA256.HashData(copy.ToArray()).ShouldBe(SHA256.HashData(bytes));
        }
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("extra")]
    [InlineData("mistyped")]
    public async Task Index_FieldsThatDoNotFitTheLayer_AreRefusedBeforeAnyUpload(string problem)
    {
        Dictionary<string, object> fields = Fields();
        switch (problem)
        {
            case "missing": fields.Remove("source"); break;
            case "extra": fields["tile"] = 12L; break;
            default: fields["ingestionTime"] = "yesterday"; break;
        }

        DateTimeOffset start = DateTimeOffset.UtcNow;

        ArgumentException error = await Should.ThrowAsync<ArgumentException>(
            () => CreatePublisher().IndexAsync([IndexItem.FromFile(WriteFile(Data(10)), fields)], new IndexOptions { LayerId = IndexLayer }));

        error.Message.ShouldContain("cannot be inserted");
        Since(start, EmulatorOperation.PutBlob).ShouldBeEmpty();
        Since(start, EmulatorOperation.InsertIndex).ShouldBeEmpty();
    }

    [Fact]
    public async Task Index_RecordOver256Bytes_IsRefusedBeforeAnyUpload_AndTheServiceRefusesItWhenTheCheckIsOff()
    {
        IndexItem big = IndexItem.FromFile(WriteFile(Data(10)), Fields(source: new string('s', 240)));
        DateTimeOffset start = DateTimeOffset.UtcNow;

        ArgumentException local = await Should.ThrowAsync<ArgumentException>(() => CreatePublisher().IndexAsync([big], new IndexOptions { LayerId = IndexLayer }));
        local.Message.ShouldContain("at most 256");
        Since(start, EmulatorOperation.PutBlob).ShouldBeEmpty();

        PublicationException remote = await Should.ThrowAsync<PublicationException>(
            () => CreatePublisher().IndexAsync([big], new IndexOptions { LayerId = IndexLayer, CheckRecordSize = false }));
        remote.Status.ShouldBe(400);
        remote.Operation.ShouldBe("InsertIndexRecords");
    }

    [Fact]
    public async Task Index_ToAVersionedLayer_IsTypedLayerMismatch()
    {
        PublicationException error = await Should.ThrowAsync<PublicationException>(
            () => CreatePublisher().IndexAsync([IndexItem.FromFile(WriteFile(Data(10)), Fields())], new IndexOptions { LayerId = Layer }));

        error.ErrorCode.ShouldBe(PartUploadErrorCodes.LayerMismatch);
    }

    [Fact]
    public async Task Index_TransientInsertFailure_IsRetried()
    {
        Emulator.Faults.Add(FaultRule.Status(503, TimeSpan.Zero) with { Operation = EmulatorOperation.InsertIndex });

        IndexResult result = await CreatePublisher().IndexAsync([IndexItem.FromFile(WriteFile(Data(64)), Fields())], new IndexOptions { LayerId = IndexLayer });

        Emulator.GetIndexRecords(IndexLayer).Select(r => r.Id).ShouldContain(result.Records[0].Id);
        Emulator.Faults.Rules.Single().Fired.ShouldBe(1);
    }
}
