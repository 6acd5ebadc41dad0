using System.Net;
using System.Text.Json.Nodes;

namespace PartUploader.Emulator.Tests.Publishing;

/// <summary>Metadata API v1 and Query API v1 reads of published partitions (spec publish-v2 section 4).</summary>
public sealed class MetadataTests
{
    [Fact]
    public async Task Latest_WithoutStartVersion_Answers400()
    {
        await using DataApi sut = await DataApi.StartAsync();

        Reply reply = await sut.SendAsync(HttpMethod.Get, sut.MetadataBase + "/versions/latest");

        reply.Status.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Partitions_VersionAboveLatest_Answers400WithRecordedBody()
    {
        await using DataApi sut = await DataApi.StartAsync();
        await sut.PublishAsync("p");

        Reply reply = await sut.SendAsync(HttpMethod.Get, $"{sut.MetadataBase}/layers/{sut.Layer}/partitions?version=1");

        reply.Status.ShouldBe(HttpStatusCode.BadRequest);
        JsonNode body = reply.Json;
        body["title"]!.GetValue<string>().ShouldBe("Bad Request");
        body["status"]!.GetValue<int>().ShouldBe(400);
        body["detail"]![0]!["name"]!.GetValue<string>().ShouldBe("version");
        body["detail"]![0]!["error"]!.GetValue<string>().ShouldBe("Invalid version: latest known version is 0");
    }

    [Theory]
    [InlineData("/layers/versioned/partitions", HttpStatusCode.BadRequest)]
    [InlineData("/layers/versioned/partitions?version=x", HttpStatusCode.BadRequest)]
    [InlineData("/layers/nope/partitions?version=0", HttpStatusCode.NotFound)]
    [InlineData("/layers/versioned/partitions?version=0&additionalFields=bogus", HttpStatusCode.BadRequest)]
    public async Task Partitions_BadRequest_AnswersError(string pathAndQuery, HttpStatusCode expected)
    {
        await using DataApi sut = await DataApi.StartAsync();
        await sut.PublishAsync("p");

        Reply reply = await sut.SendAsync(HttpMethod.Get, sut.MetadataBase + pathAndQuery);

        reply.Status.ShouldBe(expected, reply.Body);
    }

    [Fact]
    public async Task Partitions_WithoutAdditionalFields_OmitsThem()
    {
        await using DataApi sut = await DataApi.StartAsync();
        await sut.PublishAsync("p");

        Reply reply = await sut.SendAsync(HttpMethod.Get, $"{sut.MetadataBase}/layers/{sut.Layer}/partitions?version=0");

        JsonNode item = reply.Json["partitions"]![0]!;
        item["dataSize"].ShouldBeNull();
        item["version"]!.GetValue<long>().ShouldBe(0);
        reply.Json["next"].ShouldBeNull();
    }

    [Fact]
    public async Task Partitions_MetadataPageSize_PagesThroughNextLinks()
    {
        await using DataApi sut = await DataApi.StartAsync(o => o.Publishing.MetadataPageSize = 2);
        await sut.PublishAsync("a", "b", "c", "d", "e");
        List<string> seen = [];
        string? next = $"/layers/{sut.Layer}/partitions?version=0&additionalFields=dataSize";
        List<string> links = [];

        while (next is not null)
        {
            Reply page = await sut.SendAsync(HttpMethod.Get, sut.MetadataBase + next);
            page.Status.ShouldBe(HttpStatusCode.OK, page.Body);
            JsonArray items = page.Json["partitions"]!.AsArray();
            items.Count.ShouldBeLessThanOrEqualTo(2);
            items.ShouldAllBe(i => i!["dataSize"]!.GetValue<long>() == 4);
            seen.AddRange(items.Select(i => i!["partition"]!.GetValue<string>()));
            next = page.Json["next"]?.GetValue<string>();
            if (next is not null)
            {
                links.Add(next);
            }
        }

        seen.ShouldBe(["a", "b", "c", "d", "e"]);
        links.Count.ShouldBe(2);
        links[0].ShouldStartWith($"/layers/{sut.Layer}/partitions?version=0&additionalFields=dataSize&pageToken=");
    }

    [Fact]
    public async Task Query_NamedPartitions_AnswersOnlyThoseThatExist()
    {
        await using DataApi sut = await DataApi.StartAsync();
        await sut.PublishAsync("a", "b", "c");

        Reply reply = await sut.SendAsync(HttpMethod.Get, $"{sut.QueryBase}/layers/{sut.Layer}/partitions?partition=a&partition=c&partition=zz&version=0&additionalFields=dataSize");

        reply.Status.ShouldBe(HttpStatusCode.OK, reply.Body);
        reply.Json["partitions"]!.AsArray().Select(i => i!["partition"]!.GetValue<string>()).ShouldBe(["a", "c"]);
        reply.Json["partitions"]![0]!["dataSize"]!.GetValue<long>().ShouldBe(4);
    }

    [Fact]
    public async Task Query_MoreThan100Partitions_Answers400()
    {
        await using DataApi sut = await DataApi.StartAsync();
        await sut.PublishAsync("a");
        string query = string.Join('&', Enumerable.Range(0, 101).Select(i => "partition=p" + i));

        Reply tooMany = await sut.SendAsync(HttpMethod.Get, $"{sut.QueryBase}/layers/{sut.Layer}/partitions?{query}&version=0");
        Reply versionAbove = await sut.SendAsync(HttpMethod.Get, $"{sut.QueryBase}/layers/{sut.Layer}/partitions?partition=a&version=3");

        tooMany.Status.ShouldBe(HttpStatusCode.BadRequest);
        versionAbove.Status.ShouldBe(HttpStatusCode.BadRequest);
        versionAbove.DetailError.ShouldBe("Invalid version: latest known version is 0");
    }

    [Fact]
    public async Task Lookup_ResourceApis_ListIndexAndQuery()
    {
        await using DataApi sut = await DataApi.StartAsync();

        Reply all = await sut.SendAsync(HttpMethod.Get, $"{sut.Emulator.LookupUrl}/resources/{sut.Hrn}/apis");
        Reply query = await sut.SendAsync(HttpMethod.Get, $"{sut.Emulator.LookupUrl}/resources/{sut.Hrn}/apis/query/v1");

        JsonArray apis = all.Json.AsArray();
        apis.Single(a => a!["api"]!.GetValue<string>() == "index")!["baseURL"]!.GetValue<string>().ShouldBe(sut.IndexBase);
        apis.Single(a => a!["api"]!.GetValue<string>() == "query")!["baseURL"]!.GetValue<string>().ShouldBe(sut.QueryBase);
        apis.Single(a => a!["api"]!.GetValue<string>() == "metadata")!["baseURL"]!.GetValue<string>().ShouldBe(sut.MetadataBase);
        apis.Single(a => a!["api"]!.GetValue<string>() == "publish")!["baseURL"]!.GetValue<string>().ShouldBe(sut.PublishBase);
        apis.ShouldNotContain(a => a!["api"]!.GetValue<string>() == "config");
        query.Json.AsArray().ShouldContain(a => a!["api"]!.GetValue<string>() == "query");
    }
}
