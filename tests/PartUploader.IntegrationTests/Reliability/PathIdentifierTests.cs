using PartUploader.Emulator;
using PartUploader.IntegrationTests.EndToEnd;

namespace PartUploader.IntegrationTests.Reliability;

/// <summary>
/// Identifiers that would change the request path's structure (dot segments, '/', escapes, '\', empty), sent as the
/// data handle and as the layer id through every client operation: each fails with an <see cref="ArgumentException"/>
/// and nothing leaves the client, not even the token or the API lookup request.
/// </summary>
/// <remarks>
/// '...' is not a dot segment in RFC 3986, but the client refuses every identifier made of dots only: no real data
/// handle or layer id needs one, and servers and proxies differ in how they normalize such segments.
/// </remarks>
public sealed class PathIdentifierTests(EmulatorFixture fixture) : EmulatorTestBase(fixture), IClassFixture<EmulatorFixture>
{
    private static readonly string[] s_identifiers = [".", "..", "...", "a/b", "a%2Fb", "%2e%2e", "a\\b", ""];

    private static readonly Dictionary<string, Func<PathIdentifierTests, PartUploadClient, string, string, Task>> s_operations = new()
    {
        ["UploadAsync(file)"] = (t, c, layer, handle) => c.UploadAsync(t.SmallFile(), t.UploadOptions(layer, handle)),
        ["UploadAsync(file, single PUT)"] = (t, c, layer, handle) => c.UploadAsync(t.SmallFile(), t.UploadOptions(layer, handle, multipart: false)),
        ["UploadAsync(file, journal)"] = (t, c, layer, handle) => c.UploadAsync(t.SmallFile(), t.UploadOptions(layer, handle, journal: true)),
        ["UploadAsync(stream)"] = (t, c, layer, handle) => c.UploadAsync(new MemoryStream(new byte[1000]), t.UploadOptions(layer, handle)),
        ["ResumeAsync"] = (t, c, layer, handle) => c.ResumeAsync(t.SmallFile(), t.UploadOptions(layer, handle, journal: true)),
        ["ExistsAsync"] = (t, c, layer, handle) => c.ExistsAsync(layer, handle),
        ["DownloadToAsync"] = (t, c, layer, handle) => c.DownloadToAsync(layer, handle, Stream.Null),
        ["DeleteAsync"] = (t, c, layer, handle) => c.DeleteAsync(layer, handle),
    };

    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (string role in new[] { "DataHandle", "LayerId" })
        {
            foreach (string identifier in s_identifiers)
            {
                foreach (string operation in s_operations.Keys)
                {
                    data.Add(role, identifier, operation);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task PathChangingIdentifier_RefusedBeforeAnyRequest(string role, string identifier, string operation)
    {
        string layer = role == "LayerId" ? identifier : BlobEmulatorOptions.DemoVersionedLayerId;
        string handle = role == "DataHandle" ? identifier : NewHandle("path");
        using HttpClient http = new() { Timeout = Timeout.InfiniteTimeSpan };
        PartUploadClient client = LookedUpClient(http);
        int before = Emulator.Journal.Entries.Count;

        // ExistsAsync and DeleteAsync throw argument errors eagerly, the others in the returned task: both count.
        Exception thrown = await Should.ThrowAsync<Exception>(async () => await s_operations[operation](this, client, layer, handle).WaitAsync(TimeSpan.FromSeconds(30)));

        string because = $"{role} '{identifier}' via {operation}";
        thrown.GetType().ShouldBe(typeof(ArgumentException), $"{because}: {thrown}");
        thrown.Message.ShouldStartWith(role, Shouldly.Case.Sensitive, because);
        Emulator.Journal.Entries.Skip(before).Select(e => $"{e.Method} {e.Path}").ShouldBeEmpty(because + ": a request left the client");
    }

    [Fact]
    public async Task Control_ValidIdentifiers_DoReachTheTokenLookupAndBlobEndpoints()
    {
        using HttpClient http = new() { Timeout = Timeout.InfiniteTimeSpan };
        PartUploadClient client = LookedUpClient(http);
        int before = Emulator.Journal.Entries.Count;

        (await client.ExistsAsync(BlobEmulatorOptions.DemoVersionedLayerId, "..control-" + Guid.NewGuid().ToString("N"))).ShouldBeFalse();

        Emulator.Journal.Entries.Skip(before).Select(e => e.Operation).ShouldBe(
            [EmulatorOperation.Token, EmulatorOperation.Lookup, EmulatorOperation.HeadBlob],
            "the journal records the token and lookup requests, so the cases above would see them");
    }

    [Theory]
    [InlineData("h.1.")]
    [InlineData("..")]
    [InlineData("a..b.")]
    [InlineData(".")]
    public async Task DotsBesideOtherCharacters_AreOrdinaryHandles(string prefix)
    {
        string handle = prefix + Guid.NewGuid().ToString("N");
        byte[] data = Data(1000, seed: 5);

        await CreateClient().UploadAsync(WriteFile(data), Options(handle, forceMultipart: false));

        ShouldHaveStored(handle, data);
        Emulator.Journal.Entries.ShouldContain(e => e.Operation == EmulatorOperation.PutBlob && e.Path.EndsWith("/data/" + handle, StringComparison.Ordinal));
    }

    /// <summary>A client that looks the base URL up and exchanges credentials for a token, so either would be journaled.</summary>
    private PartUploadClient LookedUpClient(HttpClient http)
    {
        EmulatorCredentials c = Emulator.Credentials;
        var credentials = new HereCredentials(c.AccessKeyId, c.AccessKeySecret) { TokenEndpointUrl = c.TokenEndpointUrl };
        var options = new PartUploadClientOptions
        {
            CatalogHrn = Emulator.DefaultCatalogHrn,
            LookupUrl = Emulator.LookupUrl,
            PartSize = 5 * MiB,
            MaxBufferedBytes = 64 * MiB,
        };
        return new PartUploadClient(http, options, new HereTokenSource(credentials, http));
    }

    private string SmallFile() => WriteFile(Data(1000));

    private PartUploadOptions UploadOptions(string layer, string handle, bool multipart = true, bool journal = false) => new()
    {
        LayerId = layer,
        DataHandle = handle,
        ForceMultipart = multipart,
        JournalPath = journal ? Path.Combine(Path.GetDirectoryName(SmallFile())!, Guid.NewGuid().ToString("N") + ".journal") : null,
    };
}
