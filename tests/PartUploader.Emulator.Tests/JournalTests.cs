using System.Net;
using System.Text.Json.Nodes;

namespace PartUploader.Emulator.Tests;

public sealed class JournalTests : IAsyncLifetime, IDisposable
{
    private static readonly byte[] s_part = [1, 2, 3, 4];
    private BlobEmulator _sut = null!;
    private BlobApi _api = null!;

    public async Task InitializeAsync()
    {
        _sut = await BlobEmulator.StartAsync(new BlobEmulatorOptions { ProcessingDelay = TimeSpan.Zero });
        _api = new BlobApi(_sut);
    }

    public async Task DisposeAsync() => await _sut.DisposeAsync();

    public void Dispose() => _api.Dispose();

    [Fact]
    public async Task Entries_UploadPart_RecordsRequestDetails()
    {
        Links links = await _api.StartAsync(BlobApi.NewHandle());
        string digest = Digests.Header("CRC-32C", s_part);

        await _api.UploadPartOkAsync(links, 7, s_part, digest);

        JournalEntry entry = _sut.Journal.Entries.Single(e => e.Operation == EmulatorOperation.UploadPart);
        entry.Method.ShouldBe("POST");
        entry.Path.ShouldEndWith("/parts");
        entry.Path.ShouldNotContain("?");
        entry.UploadId.ShouldBe(_sut.Uploads.Single().UploadId);
        entry.PartNumber.ShouldBe(7);
        entry.ContentLength.ShouldBe(4);
        entry.BytesReceived.ShouldBe(4);
        entry.DigestHeader.ShouldBe(digest);
        entry.ContentType.ShouldBe("application/octet-stream");
        entry.StatusCode.ShouldBe(200);
        entry.FaultApplied.ShouldBeNull();
    }

    [Fact]
    public async Task Entries_BillingTag_IsKeptAndTheRestOfTheQueryIsNot()
    {
        using HttpResponseMessage tagged = await _api.StartRawAsync(BlobApi.NewHandle(), """{"contentType":"application/octet-stream"}""", query: "?billingTag=Bill1234&other=secret1");
        using HttpResponseMessage untagged = await _api.StartRawAsync(BlobApi.NewHandle(), """{"contentType":"application/octet-stream"}""");

        tagged.StatusCode.ShouldBe(HttpStatusCode.OK);
        JournalEntry[] entries = [await _sut.Journal.WaitForAsync(e => e.BillingTag is not null), await _sut.Journal.WaitForAsync(e => e.BillingTag is null)];
        entries[0].BillingTag.ShouldBe("Bill1234");
        entries[0].Path.ShouldNotContain("?");
        entries[0].Headers.Values.ShouldAllBe(v => !v.Contains("secret1"));
        entries[1].BillingTag.ShouldBeNull();
    }

    [Fact]
    public async Task Entries_AuthorizationHeader_IsMasked()
    {
        await _api.StartAsync(BlobApi.NewHandle());

        JournalEntry entry = _sut.Journal.Entries.Single();
        entry.Headers["Authorization"].ShouldBe("Bearer ***");
        entry.Headers.Values.ShouldAllBe(v => !v.Contains(_api.Token));
    }

    [Fact]
    public async Task Entries_NumberSentTwiceInOneUpload_IsDetectable()
    {
        Links links = await _api.StartAsync(BlobApi.NewHandle());
        await _api.UploadPartOkAsync(links, 1, s_part);
        await _api.UploadPartOkAsync(links, 1, s_part);

        IEnumerable<IGrouping<(string?, int?), JournalEntry>> duplicates = _sut.Journal.Entries
            .Where(e => e.Operation == EmulatorOperation.UploadPart)
            .GroupBy(e => (e.UploadId, e.PartNumber))
            .Where(g => g.Count() > 1);

        duplicates.ShouldHaveSingleItem();
        _sut.Uploads.Single().PartNumbersReceived.ShouldBe([1, 1]);
    }

    [Fact]
    public async Task Uploads_AfterCompleteAndCancel_NoneLeftOpen()
    {
        await _api.UploadSmallBlobAsync(BlobApi.NewHandle(), s_part);
        Links cancelled = await _api.StartAsync(BlobApi.NewHandle());
        using HttpResponseMessage cancel = await _api.CancelAsync(cancelled);

        _sut.Uploads.ShouldNotContain(u => u.State == UploadState.Open);
        _sut.Uploads.Select(u => u.State).ShouldBe([UploadState.Completed, UploadState.Cancelled]);
    }

    [Fact]
    public async Task Clear_AfterRequests_EmptiesJournal()
    {
        await _api.StartAsync(BlobApi.NewHandle());

        _sut.Journal.Clear();

        _sut.Journal.Entries.ShouldBeEmpty();
    }

    [Fact]
    public async Task AdminJournal_OverHttp_ReturnsEntriesAsJson()
    {
        await _api.StartAsync(BlobApi.NewHandle());

        string json = await _api.Http.GetStringAsync(new Uri(_sut.ServiceUrl, "_emulator/journal"));

        JsonArray entries = JsonNode.Parse(json)!.AsArray();
        entries[0]!["operation"]!.GetValue<string>().ShouldBe("StartMultipart");
        entries[0]!["statusCode"]!.GetValue<int>().ShouldBe(200);
        json.ShouldNotContain(_api.Token);
    }

    [Fact]
    public async Task AdminUploads_OverHttp_ReturnsUploadsAsJson()
    {
        await _api.StartAsync(BlobApi.NewHandle());

        string json = await _api.Http.GetStringAsync(new Uri(_sut.ServiceUrl, "_emulator/uploads"));

        JsonArray uploads = JsonNode.Parse(json)!.AsArray();
        uploads.Single()!["state"]!.GetValue<string>().ShouldBe("Open");
        uploads.Single()!["uploadId"]!.GetValue<string>().ShouldBe(_sut.Uploads.Single().UploadId);
    }

    [Fact]
    public async Task Entries_UnknownRoute_RecordedWith404AndNoOperation()
    {
        using HttpResponseMessage response = await _api.Http.GetAsync(new Uri(_sut.ServiceUrl, "nothing/here?secret=1"));

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        JournalEntry entry = _sut.Journal.Entries.Single();
        entry.Operation.ShouldBeNull();
        entry.Path.ShouldBe("/nothing/here");
    }
}
