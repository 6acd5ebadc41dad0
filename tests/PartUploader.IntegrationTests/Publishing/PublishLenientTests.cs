using PartUploader.Emulator;
using PartUploader.IntegrationTests.EndToEnd;

namespace PartUploader.IntegrationTests.Publishing;

/// <summary>The client's checks of partition ids (P23) and index fields (P32), each with the client check on and off against a strict and a lenient service.</summary>
public sealed class PublishLenientTests(EmulatorFixture fixture) : PublishingTestBase(fixture), IClassFixture<EmulatorFixture>
{
    [Theory]
    [InlineData(true, false, "refused here")]
    [InlineData(false, false, "refused by the service")]
    [InlineData(false, true, "published")]
    public async Task PartitionIdOutsideTheDocumentedCharacters_ByClientCheckAndServiceLeniency(bool strictClient, bool lenientService, string outcome) // P23
    {
        Emulator.Options.Publishing.LenientPartitionKeys = lenientService;
        DateTimeOffset start = DateTimeOffset.UtcNow;
        Task<PublicationResult> publish = CreatePublisher().PublishAsync(
            [PublishItem.FromFile(WriteFile(Data(64)), "road #7")], Options(o => o.StrictPartitionIds = strictClient));

        switch (outcome)
        {
            case "refused here":
                await Should.ThrowAsync<ArgumentException>(publish);
                Since(start, EmulatorOperation.PutBlob).ShouldBeEmpty();
                break;
            case "refused by the service":
                PublicationException error = await Should.ThrowAsync<PublicationException>(publish);
                error.Status.ShouldBe(400);
                error.CancelledOnServer.ShouldBeTrue();
                break;
            default:
                PublicationResult result = await publish;
                ShouldBeVisible(result);
                Emulator.GetPartitions(Layer, result.Version).ShouldContain(p => p.Partition == "road #7");
                break;
        }
    }

    [Theory]
    [InlineData(true, false, "refused here")]
    [InlineData(false, false, "refused by the service")]
    [InlineData(false, true, "inserted")]
    public async Task IndexRecordMissingAField_ByClientCheckAndServiceLeniency(bool checkFields, bool lenientService, string outcome) // P32
    {
        Emulator.Options.Publishing.LenientIndexFields = lenientService;
        var fields = new Dictionary<string, object> { ["ingestionTime"] = 1_552_383_031_000L }; // "source" is missing
        DateTimeOffset start = DateTimeOffset.UtcNow;
        Task<IndexResult> index = CreatePublisher().IndexAsync(
            [IndexItem.FromFile(WriteFile(Data(64)), fields)], new IndexOptions { LayerId = Emulator.IndexLayerId, CheckFields = checkFields });

        switch (outcome)
        {
            case "refused here":
                await Should.ThrowAsync<ArgumentException>(index);
                Since(start, EmulatorOperation.PutBlob).ShouldBeEmpty();
                break;
            case "refused by the service":
                (await Should.ThrowAsync<PublicationException>(index)).Status.ShouldBe(400);
                break;
            default:
                IndexResult result = await index;
                Emulator.GetIndexRecords(Emulator.IndexLayerId).Single(r => r.Id == result.Records[0].Id).Fields.ContainsKey("source").ShouldBeFalse();
                break;
        }
    }
}

/// <summary>A layer partitioned by HERE tiles at level 12: tile ids and their levels (P31).</summary>
public sealed class HeretileLayerTests : IAsyncLifetime, IDisposable
{
    private const string TileLayer = "tiles";
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly string _dir = Directory.CreateTempSubdirectory("partuploader-tiles-").FullName;
    private BlobEmulator _emulator = null!;

    public async Task InitializeAsync()
    {
        IList<EmulatorCatalog> catalogs = BlobEmulatorOptions.CreateDefaultCatalogs();
        catalogs[0].Layers.Add(new EmulatorLayer { Id = TileLayer, PartitioningScheme = "heretile", TileLevels = [12], Digest = "SHA-256", Crc = "CRC-32C" });
        _emulator = await BlobEmulator.StartAsync(new BlobEmulatorOptions { Catalogs = catalogs });
    }

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    public void Dispose() => _http.Dispose();

    [Theory]
    [InlineData("23618359", true, true, "published")] // level 12
    [InlineData("95285503", true, true, "refused here")] // level 13
    [InlineData("95285503", false, true, "refused by the service")]
    [InlineData("95285503", false, false, "published")]
    [InlineData("road-7", true, true, "refused here")] // not a tile id
    public async Task TileId_ByLevelCheckOnBothSides(string tile, bool checkLevels, bool serviceChecks, string outcome)
    {
        _emulator.Options.Publishing.CheckHeretileLevels = serviceChecks;
        string file = Path.Combine(_dir, Guid.NewGuid().ToString("N"));
        await File.WriteAllBytesAsync(file, new byte[100]);
        PublicationClient publisher = new PartUploadClient(
            _http,
            new PartUploadClientOptions { CatalogHrn = _emulator.DefaultCatalogHrn, LookupUrl = _emulator.LookupUrl },
            AccessTokenSource.FromToken(_emulator.IssueAccessToken())).GetPublicationClient();
        var options = new PublishOptions { LayerId = TileLayer, CheckTileLevels = checkLevels };
        options.Wait.PollInterval = TimeSpan.FromMilliseconds(20);
        Task<PublicationResult> publish = publisher.PublishAsync([PublishItem.FromFile(file, tile)], options);

        switch (outcome)
        {
            case "refused here":
                (await Should.ThrowAsync<ArgumentException>(publish)).Message.ShouldContain(tile);
                _emulator.Journal.Entries.ShouldNotContain(e => e.Operation == EmulatorOperation.InitPublication || e.Operation == EmulatorOperation.PutBlob);
                break;
            case "refused by the service":
                (await Should.ThrowAsync<PublicationException>(publish)).Status.ShouldBe(400);
                break;
            default:
                PublicationResult result = await publish;
                _emulator.GetPartitions(TileLayer, result.Version).ShouldContain(p => p.Partition == tile);
                break;
        }
    }
}
