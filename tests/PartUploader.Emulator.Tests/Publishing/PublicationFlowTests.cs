using System.Net;

namespace PartUploader.Emulator.Tests.Publishing;

/// <summary>The publication state machine (spec publish-v2 1.1-1.6) and its switches P8, P11-P14, P18, P26.</summary>
public sealed class PublicationFlowTests
{
    [Fact]
    public async Task Publish_HappyPath_MakesVersionZeroWithPartitionsVisibleAtIt()
    {
        await using DataApi sut = await DataApi.StartAsync();
        string handle = await sut.UploadBlobAsync();

        Reply init = await sut.InitAsync(sut.Layer);
        string id = init.Json["id"]!.GetValue<string>();
        Reply before = await sut.SendAsync(HttpMethod.Get, sut.MetadataBase + "/versions/latest?startVersion=-1");
        Reply partitions = await sut.PartitionsAsync(id, new { partition = "p1", dataHandle = handle, dataSize = 4, checksum = new string('a', 64), crc = "0a1b2c3d" });
        Reply submit = await sut.SubmitAsync(id);
        Reply get = await sut.GetAsync(id);
        Reply latest = await sut.SendAsync(HttpMethod.Get, sut.MetadataBase + "/versions/latest?startVersion=-1");
        Reply read = await sut.SendAsync(HttpMethod.Get, $"{sut.MetadataBase}/layers/{sut.Layer}/partitions?version=0&additionalFields=dataSize,checksum,compressedDataSize,crc");

        init.Status.ShouldBe(HttpStatusCode.OK);
        init.Headers.Location!.ToString().ShouldBe($"{sut.PublishBase}/publications/{id}");
        id.ShouldStartWith("v2-");
        init.Json["catalogVersion"]!.GetValue<long>().ShouldBe(-1);
        init.Json["catalogId"]!.GetValue<string>().ShouldBe("demo");
        init.Json["layerIds"]![0]!.GetValue<string>().ShouldBe(sut.Layer);
        init.Json["details"]!["state"]!.GetValue<string>().ShouldBe("initialized");
        long started = init.Json["details"]!["started"]!.GetValue<long>();
        started.ShouldBe(sut.Clock.GetUtcNow().ToUnixTimeMilliseconds());
        (init.Json["details"]!["expires"]!.GetValue<long>() - started).ShouldBe((long)TimeSpan.FromHours(72).TotalMilliseconds);
        before.Status.ShouldBe(HttpStatusCode.NotFound);
        before.Json["title"]!.GetValue<string>().ShouldBe("Catalog has no versions");
        partitions.Status.ShouldBe(HttpStatusCode.NoContent);
        submit.Status.ShouldBe(HttpStatusCode.NoContent);
        submit.Body.ShouldBeEmpty();
        get.Json["details"]!["state"]!.GetValue<string>().ShouldBe("succeeded");
        latest.Json["version"]!.GetValue<long>().ShouldBe(0);
        JsonNodeShould(read, "p1", handle, version: 0);
        read.Json["partitions"]![0]!["checksum"]!.GetValue<string>().ShouldBe(new string('a', 64));
        read.Json["partitions"]![0]!["crc"]!.GetValue<string>().ShouldBe("0a1b2c3d");
        read.Json["partitions"]![0]!["compressedDataSize"].ShouldBeNull();
        sut.Emulator.GetCatalogVersion().ShouldBe(0);
        EmulatorPartition partition = sut.Emulator.GetPartitions(sut.Layer).ShouldHaveSingleItem();
        (partition.Partition, partition.DataHandle, partition.Version, partition.DataSize, partition.CompressedDataSize, partition.Checksum, partition.Crc)
            .ShouldBe(("p1", handle, 0L, (long?)4, (long?)null, new string('a', 64), "0a1b2c3d"));
        PublicationRecord publication = sut.Emulator.Publications.ShouldHaveSingleItem();
        (publication.Id, publication.CatalogHrn, publication.State, publication.Message, publication.CatalogVersion, publication.PartitionCount, publication.SubmittedAt, publication.ResultVersion)
            .ShouldBe((id, sut.Hrn, "succeeded", get.Json["details"]!["message"]!.GetValue<string>(), -1L, 1, (DateTimeOffset?)sut.Clock.GetUtcNow(), (long?)0));
        publication.LayerIds.ShouldBe([sut.Layer]);
    }

    [Fact]
    public async Task Publish_SecondPublication_IsCumulativeAndEmptyHandleDeletes()
    {
        await using DataApi sut = await DataApi.StartAsync();
        await sut.PublishAsync("a", "b");
        string id = await sut.InitOkAsync();
        string c = await sut.UploadBlobAsync();

        (await sut.PartitionsAsync(id, new { partition = "a", dataHandle = "" }, new { partition = "c", dataHandle = c })).Status.ShouldBe(HttpStatusCode.NoContent);
        (await sut.SubmitAsync(id)).Status.ShouldBe(HttpStatusCode.NoContent);

        sut.Emulator.GetCatalogVersion().ShouldBe(1);
        sut.Emulator.GetPartitions(sut.Layer, 0).Select(p => p.Partition).ShouldBe(["a", "b"]);
        sut.Emulator.GetPartitions(sut.Layer, 1).Select(p => (p.Partition, p.Version)).ShouldBe([("b", 0L), ("c", 1L)]);
        (await sut.GetAsync(id)).Json["catalogVersion"]!.GetValue<long>().ShouldBe(0);
    }

    [Fact]
    public async Task Submit_ProcessingDelay_StaysSubmittedUntilTheClockPassesIt()
    {
        await using DataApi sut = await DataApi.StartAsync(o => o.Publishing.ProcessingDelay = TimeSpan.FromMinutes(5));
        string id = await sut.PublishAsync("p");

        string during = await sut.StateAsync(id);
        long versionDuring = sut.Emulator.GetCatalogVersion();
        sut.Advance(TimeSpan.FromMinutes(5));

        during.ShouldBe("submitted");
        versionDuring.ShouldBe(-1);
        (await sut.StateAsync(id)).ShouldBe("succeeded");
        sut.Emulator.GetCatalogVersion().ShouldBe(0);
    }

    [Fact]
    public async Task Submit_FailedOutcome_EndsFailedWithMessageAndNoVersion()
    {
        await using DataApi sut = await DataApi.StartAsync(o =>
        {
            o.Publishing.Outcome = PublicationOutcome.Failed;
            o.Publishing.FailureMessage = "boom";
        });
        string id = await sut.PublishAsync("p");

        Reply get = await sut.GetAsync(id);

        get.Json["details"]!["state"]!.GetValue<string>().ShouldBe("failed");
        get.Json["details"]!["message"]!.GetValue<string>().ShouldBe("boom");
        sut.Emulator.GetCatalogVersion().ShouldBe(-1);
    }

    [Theory]
    [InlineData(409)]
    [InlineData(400)]
    public async Task Submit_Twice_AnswersWrongStateStatus(int status)
    {
        await using DataApi sut = await DataApi.StartAsync(o => o.Publishing.WrongStateStatus = status);
        string id = await sut.PublishAsync("p");

        Reply again = await sut.SubmitAsync(id);

        ((int)again.Status).ShouldBe(status);
        again.DetailError.ShouldContain("succeeded");
    }

    [Theory]
    [InlineData(409)]
    [InlineData(400)]
    public async Task CancelAndPartitions_AfterSubmit_AnswerWrongStateStatus(int status)
    {
        await using DataApi sut = await DataApi.StartAsync(o =>
        {
            o.Publishing.WrongStateStatus = status;
            o.Publishing.ProcessingDelay = TimeSpan.FromHours(1);
        });
        string id = await sut.PublishAsync("p");

        Reply cancel = await sut.CancelAsync(id);
        Reply partitions = await sut.PartitionsAsync(id, new { partition = "q", dataHandle = await sut.UploadBlobAsync() });

        ((int)cancel.Status).ShouldBe(status);
        ((int)partitions.Status).ShouldBe(status);
        (await sut.StateAsync(id)).ShouldBe("submitted");
    }

    [Fact]
    public async Task Cancel_Default_Answers204AndGetShowsCancelled()
    {
        await using DataApi sut = await DataApi.StartAsync();
        string id = await sut.InitOkAsync();
        (await sut.PartitionsAsync(id, new { partition = "p", dataHandle = await sut.UploadBlobAsync() })).Status.ShouldBe(HttpStatusCode.NoContent);

        Reply cancel = await sut.CancelAsync(id);

        cancel.Status.ShouldBe(HttpStatusCode.NoContent);
        cancel.Body.ShouldBeEmpty();
        (await sut.StateAsync(id)).ShouldBe("cancelled");
        sut.Emulator.Publications.Single().PartitionCount.ShouldBe(0);
        ((int)(await sut.SubmitAsync(id)).Status).ShouldBe(409);
    }

    [Fact]
    public async Task Cancel_CancelAnswersWithBody_Answers200WithPublication()
    {
        await using DataApi sut = await DataApi.StartAsync(o => o.Publishing.CancelAnswersWithBody = true);
        string id = await sut.InitOkAsync();

        Reply cancel = await sut.CancelAsync(id);

        cancel.Status.ShouldBe(HttpStatusCode.OK);
        cancel.Json["id"]!.GetValue<string>().ShouldBe(id);
        cancel.Json["details"]!["state"]!.GetValue<string>().ShouldBe("cancelled");
    }

    [Fact]
    public async Task Get_EndedPublicationsNotFound_Answers404AfterCancel()
    {
        await using DataApi sut = await DataApi.StartAsync(o => o.Publishing.EndedPublicationsNotFound = true);
        string id = await sut.InitOkAsync();
        (await sut.CancelAsync(id)).Status.ShouldBe(HttpStatusCode.NoContent);

        Reply get = await sut.GetAsync(id);

        get.Status.ShouldBe(HttpStatusCode.NotFound);
        sut.Emulator.Publications.Single().State.ShouldBe("cancelled");
    }

    [Fact]
    public async Task Get_UnknownPublication_Answers404()
    {
        await using DataApi sut = await DataApi.StartAsync();

        (await sut.GetAsync("v2-nope")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await sut.SubmitAsync("v2-nope")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await sut.PartitionsAsync("v2-nope", new { partition = "p", dataHandle = "" })).Status.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Init_IdleFor72Hours_Expires()
    {
        await using DataApi sut = await DataApi.StartAsync();
        string id = await sut.InitOkAsync();

        sut.Advance(TimeSpan.FromHours(72) - TimeSpan.FromMilliseconds(1));
        string before = await sut.StateAsync(id);
        sut.Advance(TimeSpan.FromMilliseconds(1));

        before.ShouldBe("initialized");
        (await sut.StateAsync(id)).ShouldBe("expired");
        ((int)(await sut.SubmitAsync(id)).Status).ShouldBe(409);
    }

    [Fact]
    public async Task Init_IdleExpirySwitch_ExpiresSooner()
    {
        await using DataApi sut = await DataApi.StartAsync(o => o.Publishing.IdleExpiry = TimeSpan.FromMinutes(1));
        string id = await sut.InitOkAsync();

        sut.Advance(TimeSpan.FromMinutes(1));

        (await sut.StateAsync(id)).ShouldBe("expired");
        sut.Emulator.Publications.Single().State.ShouldBe("expired");
    }

    [Fact]
    public async Task Init_OverInitialized_CancelsTheOtherByDefault()
    {
        await using DataApi sut = await DataApi.StartAsync();
        string first = await sut.InitOkAsync();

        string second = await sut.InitOkAsync();

        (await sut.StateAsync(first)).ShouldBe("cancelled");
        (await sut.StateAsync(second)).ShouldBe("initialized");
    }

    [Fact]
    public async Task Init_OverInitializedWithConflictPolicy_Answers409NamingTheOther()
    {
        await using DataApi sut = await DataApi.StartAsync(o => o.Publishing.InitOverInitialized = ActivePublicationPolicy.Conflict);
        string first = await sut.InitOkAsync();

        Reply second = await sut.InitAsync(sut.Layer);

        second.Status.ShouldBe(HttpStatusCode.Conflict);
        second.DetailError.ShouldContain(first);
        second.DetailError.ShouldContain("initialized");
        (await sut.StateAsync(first)).ShouldBe("initialized");
    }

    [Fact]
    public async Task Init_OverSubmitted_Answers409NamingTheOtherThenSucceedsOnceItEnds()
    {
        await using DataApi sut = await DataApi.StartAsync(o => o.Publishing.ProcessingDelay = TimeSpan.FromMinutes(1));
        string first = await sut.PublishAsync("p");

        Reply blocked = await sut.InitAsync(sut.Layer);
        sut.Advance(TimeSpan.FromMinutes(1));
        Reply after = await sut.InitAsync(sut.Layer);

        blocked.Status.ShouldBe(HttpStatusCode.Conflict);
        blocked.DetailError.ShouldContain(first);
        blocked.DetailError.ShouldContain("submitted");
        after.Status.ShouldBe(HttpStatusCode.OK);
        after.Json["catalogVersion"]!.GetValue<long>().ShouldBe(0);
    }

    [Fact]
    public async Task Init_InitSuccessStatus201_Answers201()
    {
        await using DataApi sut = await DataApi.StartAsync(o => o.Publishing.InitSuccessStatus = 201);

        Reply init = await sut.InitAsync(sut.Layer);

        init.Status.ShouldBe(HttpStatusCode.Created);
        init.Json["details"]!["state"]!.GetValue<string>().ShouldBe("initialized");
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"layerIds\":[]}")]
    [InlineData("{\"layerIds\":\"versioned\"}")]
    [InlineData("not json")]
    public async Task Init_BadBody_Answers400(string body)
    {
        await using DataApi sut = await DataApi.StartAsync();

        Reply init = await sut.SendAsync(HttpMethod.Post, sut.PublishBase + "/publications", body);

        init.Status.ShouldBe(HttpStatusCode.BadRequest);
        init.Json["status"]!.GetValue<int>().ShouldBe(400);
        init.Json["title"].ShouldNotBeNull();
    }

    [Theory]
    [InlineData(400, "index")]
    [InlineData(400, "nope")]
    [InlineData(404, "index")]
    [InlineData(404, "nope")]
    public async Task Init_UnknownOrNonVersionedLayer_AnswersLayerMismatchStatus(int status, string layer)
    {
        await using DataApi sut = await DataApi.StartAsync(o => o.Publishing.LayerMismatchStatus = status);

        Reply init = await sut.InitAsync(layer);

        ((int)init.Status).ShouldBe(status);
    }

    [Fact]
    public async Task Submit_EmptyPublication_SucceedsWithoutVersionByDefault()
    {
        await using DataApi sut = await DataApi.StartAsync();
        string id = await sut.InitOkAsync();

        (await sut.SubmitAsync(id)).Status.ShouldBe(HttpStatusCode.NoContent);

        (await sut.StateAsync(id)).ShouldBe("succeeded");
        sut.Emulator.GetCatalogVersion().ShouldBe(-1);
        sut.Emulator.Publications.Single().ResultVersion.ShouldBeNull();
    }

    [Fact]
    public async Task Submit_EmptyPublicationCreatesVersion_MakesEmptyVersion()
    {
        await using DataApi sut = await DataApi.StartAsync(o => o.Publishing.EmptyPublicationCreatesVersion = true);
        string id = await sut.InitOkAsync();

        (await sut.SubmitAsync(id)).Status.ShouldBe(HttpStatusCode.NoContent);

        sut.Emulator.GetCatalogVersion().ShouldBe(0);
        sut.Emulator.GetPartitions(sut.Layer).ShouldBeEmpty();
    }

    [Fact]
    public async Task AdminEndpoints_ListPublicationsAndVersionsWithoutToken()
    {
        await using DataApi sut = await DataApi.StartAsync();
        string id = await sut.PublishAsync("p");
        using HttpClient http = new();

        string publications = await http.GetStringAsync($"{sut.Root}/_emulator/publications");
        string versions = await http.GetStringAsync($"{sut.Root}/_emulator/versions");

        publications.ShouldContain(id);
        publications.ShouldContain("succeeded");
        versions.ShouldContain("\"version\":0");
    }

    private static void JsonNodeShould(Reply read, string partition, string handle, long version)
    {
        read.Status.ShouldBe(HttpStatusCode.OK, read.Body);
        System.Text.Json.Nodes.JsonNode item = read.Json["partitions"]!.AsArray().Single()!;
        item["partition"]!.GetValue<string>().ShouldBe(partition);
        item["dataHandle"]!.GetValue<string>().ShouldBe(handle);
        item["version"]!.GetValue<long>().ShouldBe(version);
        item["dataSize"]!.GetValue<long>().ShouldBe(4);
    }
}
