using System.Net;
using System.Text;

namespace PartUploader.Emulator.Tests.Publishing;

/// <summary>Upload-partitions validation (spec publish-v2 1.2) and its switches P1-P4, P6, P7, P9, P16, P19, P23, P31.</summary>
public sealed class PartitionRuleTests
{
    [Theory]
    [InlineData(null, 1001, HttpStatusCode.BadRequest)]
    [InlineData(null, 1000, HttpStatusCode.NoContent)]
    [InlineData(10, 11, HttpStatusCode.BadRequest)]
    [InlineData(-1, 1500, HttpStatusCode.NoContent)]
    public async Task Partitions_BatchCap_P1(int? cap, int count, HttpStatusCode expected)
    {
        await using DataApi sut = await DataApi.StartAsync(o =>
        {
            o.Publishing.HandleCheck = HandleCheckMode.None;
            if (cap is not null)
            {
                o.Publishing.MaxPartitionsPerRequest = cap == -1 ? null : cap;
            }
        });
        string id = await sut.InitOkAsync();

        Reply reply = await sut.PartitionsAsync(id, [.. Enumerable.Range(0, count).Select(i => (object)new { partition = "p" + i, dataHandle = "h" + i })]);

        reply.Status.ShouldBe(expected, reply.Body);
    }

    [Fact]
    public async Task Partitions_InlineData_RejectedByDefault_AcceptedWithSwitch_P2()
    {
        await using DataApi sut = await DataApi.StartAsync();
        string id = await sut.InitOkAsync();
        object inline = new { partition = "p", data = Convert.ToBase64String([1, 2, 3]) };

        Reply rejected = await sut.PartitionsAsync(id, inline);
        sut.Switches.AllowInlineData = true;
        Reply accepted = await sut.PartitionsAsync(id, inline);
        (await sut.SubmitAsync(id)).Status.ShouldBe(HttpStatusCode.NoContent);

        rejected.Status.ShouldBe(HttpStatusCode.BadRequest);
        rejected.Json["detail"]![0]!["name"]!.GetValue<string>().ShouldBe("partitions[0].data");
        accepted.Status.ShouldBe(HttpStatusCode.NoContent);
        EmulatorPartition published = sut.Emulator.GetPartitions(sut.Layer).Single();
        published.DataSize.ShouldBe(3);
        published.DataHandle.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task Partitions_MissingHandle_400ByDefault_DeletesWithSwitch_P3()
    {
        await using DataApi sut = await DataApi.StartAsync();
        await sut.PublishAsync("p", "q");
        string id = await sut.InitOkAsync();

        Reply rejected = await sut.PartitionsAsync(id, new { partition = "p" });
        sut.Switches.MissingHandleDeletes = true;
        Reply accepted = await sut.PartitionsAsync(id, new { partition = "p" });
        (await sut.SubmitAsync(id)).Status.ShouldBe(HttpStatusCode.NoContent);

        rejected.Status.ShouldBe(HttpStatusCode.BadRequest);
        accepted.Status.ShouldBe(HttpStatusCode.NoContent);
        sut.Emulator.GetPartitions(sut.Layer).Select(p => p.Partition).ShouldBe(["q"]);
    }

    [Theory]
    [InlineData("0a1b2c3d", false, HttpStatusCode.NoContent)]
    [InlineData("a1b2c3d", false, HttpStatusCode.NoContent)]
    [InlineData("0A1B2C3D", false, HttpStatusCode.BadRequest)]
    [InlineData("0A1B2C3D", true, HttpStatusCode.NoContent)]
    [InlineData("0a1b2c3d4", true, HttpStatusCode.BadRequest)]
    [InlineData("xyz", true, HttpStatusCode.BadRequest)]
    public async Task Partitions_CrcRendering_P4(string crc, bool caseInsensitive, HttpStatusCode expected)
    {
        await using DataApi sut = await DataApi.StartAsync(o => o.Publishing.CrcCaseInsensitive = caseInsensitive);
        string id = await sut.InitOkAsync();

        Reply reply = await sut.PartitionsAsync(id, new { partition = "p", dataHandle = await sut.UploadBlobAsync(), crc });

        reply.Status.ShouldBe(expected, reply.Body);
    }

    [Theory]
    [InlineData(40, false, HttpStatusCode.NoContent)]
    [InlineData(129, false, HttpStatusCode.BadRequest)]
    [InlineData(40, true, HttpStatusCode.BadRequest)]
    [InlineData(64, true, HttpStatusCode.NoContent)]
    public async Task Partitions_ChecksumLength_P6(int length, bool strict, HttpStatusCode expected)
    {
        await using DataApi sut = await DataApi.StartAsync(o => o.Publishing.ChecksumLengthByAlgorithm = strict);
        string id = await sut.InitOkAsync();

        Reply reply = await sut.PartitionsAsync(id, new { partition = "p", dataHandle = await sut.UploadBlobAsync(), checksum = new string('F', length) });

        reply.Status.ShouldBe(expected, reply.Body);
    }

    [Fact]
    public async Task Partitions_NonHexChecksum_Answers400()
    {
        await using DataApi sut = await DataApi.StartAsync();
        string id = await sut.InitOkAsync();

        Reply reply = await sut.PartitionsAsync(id, new { partition = "p", dataHandle = await sut.UploadBlobAsync(), checksum = "not-hex" });

        reply.Status.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Partitions_UnknownHandle_RejectedAtUploadByDefault_P7()
    {
        await using DataApi sut = await DataApi.StartAsync();
        string id = await sut.InitOkAsync();
        string otherLayerHandle = Guid.NewGuid().ToString();
        await sut.UploadBlobAsync(sut.Emulator.IndexLayerId, otherLayerHandle);

        Reply unknown = await sut.PartitionsAsync(id, new { partition = "p", dataHandle = "never-uploaded" });
        Reply otherLayer = await sut.PartitionsAsync(id, new { partition = "p", dataHandle = otherLayerHandle });

        unknown.Status.ShouldBe(HttpStatusCode.BadRequest);
        unknown.DetailError.ShouldContain("never-uploaded");
        otherLayer.Status.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Partitions_UnfinishedMultipartHandle_RejectedAtUpload_P7()
    {
        await using DataApi sut = await DataApi.StartAsync(o => o.ProcessingDelay = TimeSpan.FromMinutes(1));
        string handle = Guid.NewGuid().ToString();
        await sut.Blob.UploadSmallBlobAsync(handle, [1, 2, 3]);
        string id = await sut.InitOkAsync();

        Reply processing = await sut.PartitionsAsync(id, new { partition = "p", dataHandle = handle });
        sut.Advance(TimeSpan.FromMinutes(1));
        Reply completed = await sut.PartitionsAsync(id, new { partition = "p", dataHandle = handle });

        processing.Status.ShouldBe(HttpStatusCode.BadRequest);
        completed.Status.ShouldBe(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Partitions_UnknownHandleWithFailAtProcessing_PublicationFailsNamingHandle_P7()
    {
        await using DataApi sut = await DataApi.StartAsync(o => o.Publishing.HandleCheck = HandleCheckMode.FailAtProcessing);
        string id = await sut.InitOkAsync();

        Reply accepted = await sut.PartitionsAsync(id, new { partition = "p", dataHandle = "never-uploaded" });
        (await sut.SubmitAsync(id)).Status.ShouldBe(HttpStatusCode.NoContent);
        Reply get = await sut.GetAsync(id);

        accepted.Status.ShouldBe(HttpStatusCode.NoContent);
        get.Json["details"]!["state"]!.GetValue<string>().ShouldBe("failed");
        get.Json["details"]!["message"]!.GetValue<string>().ShouldContain("never-uploaded");
        sut.Emulator.GetCatalogVersion().ShouldBe(-1);
    }

    [Fact]
    public async Task Partitions_UnknownHandleWithNoCheck_Publishes_P7()
    {
        await using DataApi sut = await DataApi.StartAsync(o => o.Publishing.HandleCheck = HandleCheckMode.None);
        string id = await sut.InitOkAsync();

        (await sut.PartitionsAsync(id, new { partition = "p", dataHandle = "never-uploaded" })).Status.ShouldBe(HttpStatusCode.NoContent);
        (await sut.SubmitAsync(id)).Status.ShouldBe(HttpStatusCode.NoContent);

        sut.Emulator.GetPartitions(sut.Layer).Single().DataHandle.ShouldBe("never-uploaded");
    }

    [Fact]
    public async Task Partitions_RepeatedKey_LastWriteWinsByDefault_P9()
    {
        await using DataApi sut = await DataApi.StartAsync();
        string id = await sut.InitOkAsync();
        string first = await sut.UploadBlobAsync();
        string second = await sut.UploadBlobAsync();

        (await sut.PartitionsAsync(id, new { partition = "p", dataHandle = first })).Status.ShouldBe(HttpStatusCode.NoContent);
        (await sut.PartitionsAsync(id, new { partition = "p", dataHandle = second })).Status.ShouldBe(HttpStatusCode.NoContent);
        (await sut.SubmitAsync(id)).Status.ShouldBe(HttpStatusCode.NoContent);

        sut.Emulator.GetPartitions(sut.Layer).Single().DataHandle.ShouldBe(second);
    }

    [Fact]
    public async Task Partitions_RepeatedKeyWithConflictSwitch_Answers409_P9()
    {
        await using DataApi sut = await DataApi.StartAsync(o => o.Publishing.DuplicatePartitionConflict = true);
        string id = await sut.InitOkAsync();
        string handle = await sut.UploadBlobAsync();

        Reply first = await sut.PartitionsAsync(id, new { partition = "p", dataHandle = handle });
        Reply again = await sut.PartitionsAsync(id, new { partition = "p", dataHandle = handle });
        Reply sameBatch = await sut.PartitionsAsync(id, new { partition = "q", dataHandle = handle }, new { partition = "q", dataHandle = handle });

        first.Status.ShouldBe(HttpStatusCode.NoContent);
        again.Status.ShouldBe(HttpStatusCode.Conflict);
        sameBatch.Status.ShouldBe(HttpStatusCode.Conflict);
        sut.Emulator.Publications.Single().PartitionCount.ShouldBe(1);
    }

    [Fact]
    public async Task Partitions_UnknownFields_IgnoredByDefault_RejectedWithSwitch_P16()
    {
        await using DataApi sut = await DataApi.StartAsync();
        string id = await sut.InitOkAsync();
        object partition = new { partition = "p", dataHandle = await sut.UploadBlobAsync(), timestamp = 1, additionalMetadata = new { a = "b" } };

        Reply ignored = await sut.PartitionsAsync(id, partition);
        sut.Switches.RejectUnknownFields = true;
        Reply rejected = await sut.PartitionsAsync(id, partition);

        ignored.Status.ShouldBe(HttpStatusCode.NoContent);
        rejected.Status.ShouldBe(HttpStatusCode.BadRequest);
        rejected.Json["detail"]![0]!["name"]!.GetValue<string>().ShouldBe("partitions[0].timestamp");
    }

    [Theory]
    [InlineData(400)]
    [InlineData(404)]
    public async Task Partitions_LayerNotInPublication_AnswersLayerMismatchStatus_P19(int status)
    {
        await using DataApi sut = await DataApi.StartAsync(o => o.Publishing.LayerMismatchStatus = status);
        string id = await sut.InitOkAsync();

        Reply reply = await sut.PartitionsAsync(id, "index", new { partition = "p", dataHandle = "" });

        ((int)reply.Status).ShouldBe(status);
    }

    [Theory]
    [InlineData("report-2026_01.a:b", false, HttpStatusCode.NoContent)]
    [InlineData("has space", false, HttpStatusCode.BadRequest)]
    [InlineData("slash/key", false, HttpStatusCode.BadRequest)]
    [InlineData("", false, HttpStatusCode.BadRequest)]
    [InlineData("has space", true, HttpStatusCode.NoContent)]
    [InlineData("", true, HttpStatusCode.BadRequest)]
    public async Task Partitions_KeyRule_P23(string key, bool lenient, HttpStatusCode expected)
    {
        await using DataApi sut = await DataApi.StartAsync(o => o.Publishing.LenientPartitionKeys = lenient);
        string id = await sut.InitOkAsync();

        Reply reply = await sut.PartitionsAsync(id, new { partition = key, dataHandle = "" });

        reply.Status.ShouldBe(expected, reply.Body);
    }

    [Fact]
    public async Task Partitions_KeyLongerThan500_Answers400_P23()
    {
        await using DataApi sut = await DataApi.StartAsync();
        string id = await sut.InitOkAsync();

        (await sut.PartitionsAsync(id, new { partition = new string('k', 500), dataHandle = "" })).Status.ShouldBe(HttpStatusCode.NoContent);
        (await sut.PartitionsAsync(id, new { partition = new string('k', 501), dataHandle = "" })).Status.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("23618359", true, HttpStatusCode.NoContent)]
    [InlineData("5904591", true, HttpStatusCode.BadRequest)]
    [InlineData("tile-1", true, HttpStatusCode.BadRequest)]
    [InlineData("5904591", false, HttpStatusCode.NoContent)]
    [InlineData("tile-1", false, HttpStatusCode.NoContent)]
    public async Task Partitions_HeretileLevels_P31(string key, bool check, HttpStatusCode expected)
    {
        await using DataApi sut = await DataApi.StartAsync(o =>
        {
            o.Catalogs[0].Layers[0].PartitioningScheme = "heretile";
            o.Catalogs[0].Layers[0].TileLevels = [12];
            o.Publishing.CheckHeretileLevels = check;
        });
        string id = await sut.InitOkAsync();

        Reply reply = await sut.PartitionsAsync(id, new { partition = key, dataHandle = "" });

        reply.Status.ShouldBe(expected, reply.Body);
    }

    [Theory]
    [InlineData("{\"partitions\":[{\"dataHandle\":\"\"}]}")]
    [InlineData("{\"partitions\":[{\"partition\":5,\"dataHandle\":\"\"}]}")]
    [InlineData("{\"partitions\":[{\"partition\":\"p\",\"dataHandle\":\"\",\"dataSize\":-1}]}")]
    [InlineData("{\"partitions\":[\"p\"]}")]
    [InlineData("{\"partition\":\"p\"}")]
    [InlineData("[]")]
    public async Task Partitions_MalformedBody_Answers400(string body)
    {
        await using DataApi sut = await DataApi.StartAsync();
        string id = await sut.InitOkAsync();

        Reply reply = await sut.PartitionsRawAsync(id, body);

        reply.Status.ShouldBe(HttpStatusCode.BadRequest, reply.Body);
        reply.Json["status"]!.GetValue<int>().ShouldBe(400);
    }

    [Fact]
    public async Task Partitions_ChunkedBody_Answers411()
    {
        await using DataApi sut = await DataApi.StartAsync();
        string id = await sut.InitOkAsync();
        string path = $"/publish/v2/catalogs/{sut.Hrn}/layers/{sut.Layer}/publications/{id}/partitions";
        byte[] body = Encoding.ASCII.GetBytes("2\r\n{}\r\n0\r\n\r\n");

        string answer = await RawHttp.SendAsync(sut.Emulator.ServiceUrl, $"POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {sut.Blob.Token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n", body);

        answer.ShouldStartWith("HTTP/1.1 411");
    }

    [Fact]
    public async Task Partitions_BodyAbove16MiB_Answers413()
    {
        await using DataApi sut = await DataApi.StartAsync();
        string id = await sut.InitOkAsync();

        Reply reply = await sut.PartitionsRawAsync(id, "{\"partitions\":[],\"pad\":\"" + new string('x', 16 * 1024 * 1024) + "\"}");

        reply.Status.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
    }
}
