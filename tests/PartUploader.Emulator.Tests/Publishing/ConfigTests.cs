using System.Net;
using System.Text.Json.Nodes;

namespace PartUploader.Emulator.Tests.Publishing;

/// <summary>Config API v1 and its lookup (spec publish-v2 section 10, P27, P28).</summary>
public sealed class ConfigTests
{
    [Fact]
    public async Task PlatformLookup_Config_AnswersConfigBaseUrl()
    {
        await using DataApi sut = await DataApi.StartAsync();

        Reply one = await sut.SendAsync(HttpMethod.Get, $"{sut.Emulator.LookupUrl}/platform/apis/config/v1");
        Reply all = await sut.SendAsync(HttpMethod.Get, $"{sut.Emulator.LookupUrl}/platform/apis");
        Reply resource = await sut.SendAsync(HttpMethod.Get, $"{sut.Emulator.LookupUrl}/resources/{sut.Hrn}/apis/config/v1");

        one.Status.ShouldBe(HttpStatusCode.OK);
        JsonNode entry = one.Json.AsArray().Single()!;
        entry["api"]!.GetValue<string>().ShouldBe("config");
        entry["version"]!.GetValue<string>().ShouldBe("v1");
        entry["baseURL"]!.GetValue<string>().ShouldBe($"{sut.Root}/config/v1");
        entry["parameters"].ShouldNotBeNull();
        all.Json.AsArray().ShouldContain(a => a!["api"]!.GetValue<string>() == "config");
        resource.Status.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Lookup_ConfigOnResourceRoute_MovesConfigToTheResourceRoute_P27()
    {
        await using DataApi sut = await DataApi.StartAsync(o => o.Publishing.ConfigOnResourceRoute = true);

        Reply platform = await sut.SendAsync(HttpMethod.Get, $"{sut.Emulator.LookupUrl}/platform/apis/config/v1");
        Reply resource = await sut.SendAsync(HttpMethod.Get, $"{sut.Emulator.LookupUrl}/resources/{sut.Hrn}/apis/config/v1");

        platform.Status.ShouldBe(HttpStatusCode.NotFound);
        resource.Status.ShouldBe(HttpStatusCode.OK);
        resource.Json.AsArray().Single(a => a!["api"]!.GetValue<string>() == "config")!["baseURL"]!.GetValue<string>().ShouldBe($"{sut.Root}/config/v1");
    }

    [Fact]
    public async Task PlatformLookup_WithoutToken_Answers401()
    {
        await using DataApi sut = await DataApi.StartAsync();
        using HttpClient http = new();

        using HttpResponseMessage response = await http.GetAsync($"{sut.Emulator.LookupUrl}/platform/apis/config/v1");

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task GetCatalog_DefaultCatalog_AnswersLayersInConfigSpellings()
    {
        await using DataApi sut = await DataApi.StartAsync();

        Reply reply = await sut.SendAsync(HttpMethod.Get, $"{sut.Root}/config/v1/catalogs/{sut.Hrn}");

        reply.Status.ShouldBe(HttpStatusCode.OK, reply.Body);
        JsonNode catalog = reply.Json;
        catalog["id"]!.GetValue<string>().ShouldBe("demo");
        catalog["hrn"]!.GetValue<string>().ShouldBe(sut.Hrn);
        catalog["version"]!.GetValue<long>().ShouldBe(1);
        foreach (string required in new[] { "name", "summary", "description", "created", "tags", "replication" })
        {
            catalog[required].ShouldNotBeNull(required);
        }

        JsonNode versioned = catalog["layers"]!.AsArray().Single(l => l!["id"]!.GetValue<string>() == "versioned")!;
        versioned["layerType"]!.GetValue<string>().ShouldBe("versioned");
        versioned["contentType"]!.GetValue<string>().ShouldBe("application/octet-stream");
        versioned["digest"]!.GetValue<string>().ShouldBe("SHA-256");
        versioned["crc"]!.GetValue<string>().ShouldBe("CRC-32C");
        versioned["partitioning"]!["scheme"]!.GetValue<string>().ShouldBe("generic");
        versioned["partitioning"]!["tileLevels"].ShouldBeNull();
        versioned["partitioningScheme"]!.GetValue<string>().ShouldBe("generic");
        versioned["volume"]!["volumeType"]!.GetValue<string>().ShouldBe("durable");
        versioned["contentEncoding"].ShouldBeNull();
        JsonNode index = catalog["layers"]!.AsArray().Single(l => l!["id"]!.GetValue<string>() == "index")!;
        index["layerType"]!.GetValue<string>().ShouldBe("index");
        index["indexProperties"]!["ttl"]!.GetValue<string>().ShouldBe("7.days");
        JsonArray definitions = index["indexProperties"]!["indexDefinitions"]!.AsArray();
        definitions[0]!["name"]!.GetValue<string>().ShouldBe("ingestionTime");
        definitions[0]!["type"]!.GetValue<string>().ShouldBe("timewindow");
        definitions[0]!["duration"]!.GetValue<long>().ShouldBe(600_000);
        definitions[1]!["name"]!.GetValue<string>().ShouldBe("source");
        definitions[1]!["duration"].ShouldBeNull();
    }

    [Fact]
    public async Task GetCatalog_HeretileGzipLayer_WritesTileLevelsAndEncoding()
    {
        await using DataApi sut = await DataApi.StartAsync(o =>
        {
            o.Catalogs[0].Layers[0].PartitioningScheme = "heretile";
            o.Catalogs[0].Layers[0].TileLevels = [12, 14];
            o.Catalogs[0].Layers[0].ContentEncoding = "gzip";
        });

        Reply reply = await sut.SendAsync(HttpMethod.Get, $"{sut.Root}/config/v1/catalogs/{sut.Hrn}");

        JsonNode layer = reply.Json["layers"]![0]!;
        layer["partitioning"]!["scheme"]!.GetValue<string>().ShouldBe("heretile");
        layer["partitioning"]!["tileLevels"]!.AsArray().Select(l => l!.GetValue<int>()).ShouldBe([12, 14]);
        layer["contentEncoding"]!.GetValue<string>().ShouldBe("gzip");
    }

    [Fact]
    public async Task GetCatalog_UnknownCatalog_Answers403()
    {
        await using DataApi sut = await DataApi.StartAsync();

        Reply reply = await sut.SendAsync(HttpMethod.Get, $"{sut.Root}/config/v1/catalogs/hrn:here:data::emulator:nope");

        reply.Status.ShouldBe(HttpStatusCode.Forbidden);
        reply.Json["status"]!.GetValue<int>().ShouldBe(403);
    }

    [Fact]
    public async Task GetCatalog_ConfigForbidden_Answers403_P28()
    {
        await using DataApi sut = await DataApi.StartAsync(o => o.Publishing.ConfigForbidden = true);

        Reply reply = await sut.SendAsync(HttpMethod.Get, $"{sut.Root}/config/v1/catalogs/{sut.Hrn}");

        reply.Status.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Options_InvalidPublishingSwitchOrLayerField_ThrowsOnStart()
    {
        await Should.ThrowAsync<ArgumentException>(async () => await BlobEmulator.StartAsync(new BlobEmulatorOptions { Publishing = { WrongStateStatus = 500 } }));
        await Should.ThrowAsync<ArgumentException>(async () => await BlobEmulator.StartAsync(new BlobEmulatorOptions { Publishing = { MaxPartitionsPerRequest = 0 } }));
        BlobEmulatorOptions badDigest = new();
        badDigest.Catalogs[0].Layers[0].Digest = "SHA256";
        await Should.ThrowAsync<ArgumentException>(async () => await BlobEmulator.StartAsync(badDigest));
        BlobEmulatorOptions badIndex = new();
        badIndex.Catalogs[0].Layers[1].IndexDefinitions.Add(new EmulatorIndexDefinition { Name = "t", Type = "timewindow" });
        await Should.ThrowAsync<ArgumentException>(async () => await BlobEmulator.StartAsync(badIndex));
    }
}
