using System.Net;
using System.Text.Json;

namespace PartUploader.Emulator.Tests.Publishing;

/// <summary>Index API v1 inserts and reads (spec publish-v2 section 2) and the switches P7, P22, P32.</summary>
public sealed class IndexTests
{
    [Fact]
    public async Task Insert_GoodRecord_Answers201AndIsReadable()
    {
        await using DataApi sut = await DataApi.StartAsync();
        string id = await UploadAsync(sut);

        Reply insert = await InsertAsync(sut, Record(id, metadata: new { origin = "test" }));
        Reply read = await sut.SendAsync(HttpMethod.Get, $"{sut.IndexBase}/layers/{sut.Emulator.IndexLayerId}?query=id=={id}");

        insert.Status.ShouldBe(HttpStatusCode.Created, insert.Body);
        read.Json["data"]![0]!["id"]!.GetValue<string>().ShouldBe(id);
        read.Json["data"]![0]!["fields"]!["source"]!.GetValue<string>().ShouldBe("partuploader");
        EmulatorIndexRecord record = sut.Emulator.GetIndexRecords(sut.Emulator.IndexLayerId).Single();
        record.Size.ShouldBe(4);
        record.Fields["ingestionTime"].GetInt64().ShouldBe(1552383031000);
        record.Metadata["origin"].ShouldBe("test");
    }

    [Fact]
    public async Task Insert_SameIdTwice_Answers409()
    {
        await using DataApi sut = await DataApi.StartAsync();
        string id = await UploadAsync(sut);
        (await InsertAsync(sut, Record(id))).Status.ShouldBe(HttpStatusCode.Created);

        Reply again = await InsertAsync(sut, Record(id));

        again.Status.ShouldBe(HttpStatusCode.Conflict);
        sut.Emulator.GetIndexRecords(sut.Emulator.IndexLayerId).Count.ShouldBe(1);
    }

    [Theory]
    [InlineData("E9E05A2B-25D1-415D-BC6A-14A1BE626C9A")]
    [InlineData("not-a-uuid")]
    [InlineData("e9e05a2b25d1415dbc6a14a1be626c9a")]
    public async Task Insert_IdNotLowercaseUuid_Answers400(string id)
    {
        await using DataApi sut = await DataApi.StartAsync(o => o.Publishing.HandleCheck = HandleCheckMode.None);

        Reply reply = await InsertAsync(sut, Record(id));

        reply.Status.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Insert_NoBlobUnderId_Answers400_OrPassesWithoutCheck_P7()
    {
        await using DataApi sut = await DataApi.StartAsync();
        string id = Guid.NewGuid().ToString();

        Reply rejected = await InsertAsync(sut, Record(id));
        sut.Switches.HandleCheck = HandleCheckMode.None;
        Reply accepted = await InsertAsync(sut, Record(id));

        rejected.Status.ShouldBe(HttpStatusCode.BadRequest);
        accepted.Status.ShouldBe(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("{\"ingestionTime\":1}", false, HttpStatusCode.BadRequest)]
    [InlineData("{\"ingestionTime\":1}", true, HttpStatusCode.Created)]
    [InlineData("{\"ingestionTime\":1,\"source\":\"s\",\"extra\":1}", false, HttpStatusCode.BadRequest)]
    [InlineData("{\"ingestionTime\":1,\"source\":\"s\",\"extra\":1}", true, HttpStatusCode.Created)]
    [InlineData("{\"ingestionTime\":\"1\",\"source\":\"s\"}", false, HttpStatusCode.BadRequest)]
    [InlineData("{\"ingestionTime\":\"1\",\"source\":\"s\"}", true, HttpStatusCode.BadRequest)]
    [InlineData("{\"ingestionTime\":1.5,\"source\":\"s\"}", false, HttpStatusCode.BadRequest)]
    [InlineData("{\"ingestionTime\":1,\"source\":true}", false, HttpStatusCode.BadRequest)]
    public async Task Insert_FieldsAgainstDefinitions_P32(string fields, bool lenient, HttpStatusCode expected)
    {
        await using DataApi sut = await DataApi.StartAsync(o => o.Publishing.LenientIndexFields = lenient);
        string id = await UploadAsync(sut);

        Reply reply = await sut.SendAsync(HttpMethod.Post, $"{sut.IndexBase}/layers/{sut.Emulator.IndexLayerId}", $"[{{\"id\":\"{id}\",\"fields\":{fields}}}]");

        reply.Status.ShouldBe(expected, reply.Body);
    }

    [Fact]
    public async Task Insert_BoolIntAndHeretileFields_AreTypeChecked_P32()
    {
        await using DataApi sut = await DataApi.StartAsync(o => o.Catalogs[0].Layers[1].IndexDefinitions =
        [
            new EmulatorIndexDefinition { Name = "flag", Type = "bool" },
            new EmulatorIndexDefinition { Name = "count", Type = "int" },
            new EmulatorIndexDefinition { Name = "tile", Type = "heretile", ZoomLevel = 12 },
        ]);
        string id = await UploadAsync(sut);
        string url = $"{sut.IndexBase}/layers/{sut.Emulator.IndexLayerId}";

        Reply wrong = await sut.SendAsync(HttpMethod.Post, url, $"[{{\"id\":\"{id}\",\"fields\":{{\"flag\":1,\"count\":2,\"tile\":23618359}}}}]");
        Reply right = await sut.SendAsync(HttpMethod.Post, url, $"[{{\"id\":\"{id}\",\"fields\":{{\"flag\":true,\"count\":2,\"tile\":23618359}}}}]");

        wrong.Status.ShouldBe(HttpStatusCode.BadRequest);
        right.Status.ShouldBe(HttpStatusCode.Created, right.Body);
    }

    [Theory]
    [InlineData(256, 211, HttpStatusCode.Created)]
    [InlineData(256, 212, HttpStatusCode.BadRequest)]
    [InlineData(null, 5000, HttpStatusCode.Created)]
    public async Task Insert_RecordLimit_P22(int? limit, int metadataValueLength, HttpStatusCode expected)
    {
        await using DataApi sut = await DataApi.StartAsync(o => o.Publishing.IndexRecordLimit = limit);
        string id = await UploadAsync(sut);

        // Fields: "ingestionTime"(13) + "1552383031000"(13) + "source"(6) + "partuploader"(12) = 44; metadata "m"(1) + value: 211 makes exactly 256.
        Reply reply = await InsertAsync(sut, Record(id, metadata: new { m = new string('v', metadataValueLength) }));

        reply.Status.ShouldBe(expected, reply.Body);
    }

    [Theory]
    [InlineData("\"9f86d081\"", HttpStatusCode.Created)]
    [InlineData("\"not hex at all, any string passes\"", HttpStatusCode.Created)]
    [InlineData("12", HttpStatusCode.BadRequest)]
    public async Task Insert_ChecksumAnyStringUpTo128_P21(string checksum, HttpStatusCode expected)
    {
        await using DataApi sut = await DataApi.StartAsync();
        string id = await UploadAsync(sut);

        Reply reply = await sut.SendAsync(HttpMethod.Post, $"{sut.IndexBase}/layers/{sut.Emulator.IndexLayerId}", $"[{{\"id\":\"{id}\",\"checksum\":{checksum},\"fields\":{{\"ingestionTime\":1,\"source\":\"s\"}}}}]");

        reply.Status.ShouldBe(expected, reply.Body);
    }

    [Fact]
    public async Task Insert_UnknownOrNonIndexLayer_Answers404Or400()
    {
        await using DataApi sut = await DataApi.StartAsync();
        string body = JsonSerializer.Serialize(new[] { Record(Guid.NewGuid().ToString()) });

        Reply unknown = await sut.SendAsync(HttpMethod.Post, $"{sut.IndexBase}/layers/nope", body);
        Reply versioned = await sut.SendAsync(HttpMethod.Post, $"{sut.IndexBase}/layers/{sut.Layer}", body);

        unknown.Status.ShouldBe(HttpStatusCode.NotFound);
        versioned.Status.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Insert_OneBadRecord_InsertsNothing()
    {
        await using DataApi sut = await DataApi.StartAsync();
        string good = await UploadAsync(sut);

        Reply reply = await InsertAsync(sut, Record(good), Record("not-a-uuid"));

        reply.Status.ShouldBe(HttpStatusCode.BadRequest);
        reply.Json["detail"]![0]!["name"]!.GetValue<string>().ShouldBe("[1].id");
        sut.Emulator.GetIndexRecords(sut.Emulator.IndexLayerId).ShouldBeEmpty();
    }

    private static object Record(string id, object? metadata = null) =>
        new { id, size = 4, checksum = "9f86d081", fields = new { ingestionTime = 1552383031000, source = "partuploader" }, metadata };

    private static Task<Reply> InsertAsync(DataApi sut, params object[] records) =>
        sut.SendAsync(HttpMethod.Post, $"{sut.IndexBase}/layers/{sut.Emulator.IndexLayerId}", JsonSerializer.Serialize(records));

    private static Task<string> UploadAsync(DataApi sut) => sut.UploadBlobAsync(sut.Emulator.IndexLayerId);
}
