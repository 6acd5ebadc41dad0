using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace PartUploader.Emulator.Tests;

/// <summary>Every switch of spec section 9 (and the WAN and storage switches), exercised both ways.</summary>
public sealed class SwitchTests
{
    private static readonly byte[] s_a = [0xA, 0xA, 0xA];
    private static readonly byte[] s_b = [0xB, 0xB, 0xB];

    [Theory]
    [InlineData(PartAssemblyOrder.ListOrder, new byte[] { 0xB, 0xB, 0xB, 0xA, 0xA, 0xA })]
    [InlineData(PartAssemblyOrder.NumberOrder, new byte[] { 0xA, 0xA, 0xA, 0xB, 0xB, 0xB })]
    public async Task AssembleBy_PartsListedOutOfNumberOrder_AssemblesPerSwitch(PartAssemblyOrder order, byte[] expected)
    {
        await using BlobEmulator sut = await StartAsync(o => o.AssembleBy = order);
        using BlobApi api = new(sut);
        string handle = BlobApi.NewHandle();
        Links links = await api.StartAsync(handle);
        string e1 = await api.UploadPartOkAsync(links, 1, s_a);
        string e2 = await api.UploadPartOkAsync(links, 2, s_b);

        using HttpResponseMessage complete = await api.CompleteAsync(links, (2, e2), (1, e1));

        complete.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await ReadBlobAsync(sut, handle)).ShouldBe(expected);
    }

    [Theory]
    [InlineData(false, HttpStatusCode.NoContent)]
    [InlineData(true, HttpStatusCode.BadRequest)]
    public async Task RequireConsecutivePartNumbers_GapInNumbers_AnswersPerSwitch(bool strict, HttpStatusCode expected)
    {
        await using BlobEmulator sut = await StartAsync(o => o.RequireConsecutivePartNumbers = strict);
        using BlobApi api = new(sut);
        Links links = await api.StartAsync(BlobApi.NewHandle());
        string e1 = await api.UploadPartOkAsync(links, 1, s_a);
        string e3 = await api.UploadPartOkAsync(links, 3, s_b);

        using HttpResponseMessage complete = await api.CompleteAsync(links, (1, e1), (3, e3));

        complete.StatusCode.ShouldBe(expected);
    }

    [Theory]
    [InlineData(false, HttpStatusCode.NoContent)]
    [InlineData(true, HttpStatusCode.BadRequest)]
    public async Task RequireAscendingPartList_DescendingList_AnswersPerSwitch(bool strict, HttpStatusCode expected)
    {
        await using BlobEmulator sut = await StartAsync(o => o.RequireAscendingPartList = strict);
        using BlobApi api = new(sut);
        Links links = await api.StartAsync(BlobApi.NewHandle());
        string e1 = await api.UploadPartOkAsync(links, 1, s_a);
        string e2 = await api.UploadPartOkAsync(links, 2, s_b);

        using HttpResponseMessage complete = await api.CompleteAsync(links, (2, e2), (1, e1));

        complete.StatusCode.ShouldBe(expected);
    }

    [Theory]
    [InlineData(5_242_880, HttpStatusCode.BadRequest)]
    [InlineData(5_000_000, HttpStatusCode.NoContent)]
    public async Task MinimumPartSize_FirstPartOf5000000Bytes_AnswersPerSwitch(long minimum, HttpStatusCode expected)
    {
        await using BlobEmulator sut = await StartAsync(o => o.MinimumPartSize = minimum, keepMinimum: true);
        using BlobApi api = new(sut);
        Links links = await api.StartAsync(BlobApi.NewHandle());
        string e1 = await api.UploadPartOkAsync(links, 1, new byte[5_000_000]);
        string e2 = await api.UploadPartOkAsync(links, 2, s_b);

        using HttpResponseMessage complete = await api.CompleteAsync(links, (1, e1), (2, e2));

        complete.StatusCode.ShouldBe(expected);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task QuotedETags_Switch_ShapesETagAndCompleteAcceptsItVerbatim(bool quoted)
    {
        await using BlobEmulator sut = await StartAsync(o => o.QuotedETags = quoted);
        using BlobApi api = new(sut);
        Links links = await api.StartAsync(BlobApi.NewHandle());
        using HttpResponseMessage part = await api.UploadPartAsync(links, 1, s_a);
        string etag = part.Headers.GetValues("ETag").Single();

        using HttpResponseMessage complete = await api.CompleteAsync(links, (1, etag));

        etag.StartsWith('"').ShouldBe(quoted);
        complete.StatusCode.ShouldBe(HttpStatusCode.NoContent);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RelativeLinks_Switch_ShapesHrefs(bool relative)
    {
        await using BlobEmulator sut = await StartAsync(o => o.RelativeLinks = relative);
        using BlobApi api = new(sut);

        Links links = await api.StartAsync(BlobApi.NewHandle());

        links.UploadPart.StartsWith("/blobstore/v1/", StringComparison.Ordinal).ShouldBe(relative);
        links.Complete.StartsWith(sut.ServiceUrl.ToString(), StringComparison.Ordinal).ShouldBe(!relative);
    }

    [Fact]
    public async Task RelativeLinks_ResolvedAgainstOrigin_Work()
    {
        await using BlobEmulator sut = await StartAsync(o => o.RelativeLinks = true);
        using BlobApi api = new(sut);
        Links relative = await api.StartAsync(BlobApi.NewHandle());
        Links links = new(Resolve(relative.UploadPart), Resolve(relative.Complete), Resolve(relative.Status), Resolve(relative.Delete));

        string etag = await api.UploadPartOkAsync(links, 1, s_a);
        using HttpResponseMessage complete = await api.CompleteAsync(links, (1, etag));

        complete.StatusCode.ShouldBe(HttpStatusCode.NoContent);

        string Resolve(string href) => new Uri(sut.ServiceUrl, href).ToString();
    }

    [Fact]
    public async Task ProcessingDelay_Zero_StatusCompletedAtOnce()
    {
        await using BlobEmulator sut = await BlobEmulator.StartAsync(new BlobEmulatorOptions { ProcessingDelay = TimeSpan.Zero });
        using BlobApi api = new(sut);

        Links links = await api.UploadSmallBlobAsync(BlobApi.NewHandle(), s_a);

        (await api.StatusAsync(links)).ShouldBe((200, "completed"));
    }

    [Fact]
    public async Task ProcessingDelay_Default_BlobNotReadableWhileProcessing()
    {
        FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
        await using BlobEmulator sut = await BlobEmulator.StartAsync(new BlobEmulatorOptions { TimeProvider = clock });
        using BlobApi api = new(sut);
        string handle = BlobApi.NewHandle();
        await api.UploadSmallBlobAsync(handle, s_a);

        using HttpResponseMessage during = await api.GetBlobAsync(handle);
        clock.Advance(TimeSpan.FromSeconds(1));
        using HttpResponseMessage after = await api.GetBlobAsync(handle);

        during.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        after.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(CompletionOutcome.Completed, "completed")]
    [InlineData(CompletionOutcome.Failed, "failed")]
    public async Task CompletionOutcome_AfterProcessing_StatusPerSwitch(CompletionOutcome outcome, string expected)
    {
        FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
        await using BlobEmulator sut = await BlobEmulator.StartAsync(new BlobEmulatorOptions { TimeProvider = clock, CompletionOutcome = outcome });
        using BlobApi api = new(sut);
        Links links = await api.UploadSmallBlobAsync(BlobApi.NewHandle(), s_a);

        (await api.StatusAsync(links)).ShouldBe((200, "processing"));
        clock.Advance(TimeSpan.FromSeconds(1));
        (await api.StatusAsync(links)).ShouldBe((200, expected));
    }

    [Fact]
    public async Task CompletionOutcome_Failed_StoresNoBlobAndLeavesHandleFree()
    {
        await using BlobEmulator sut = await StartAsync(o => o.CompletionOutcome = CompletionOutcome.Failed);
        using BlobApi api = new(sut);
        string handle = BlobApi.NewHandle();
        await api.UploadSmallBlobAsync(handle, s_a);

        sut.GetBlob(sut.DefaultLayerId, handle).ShouldBeNull();
        sut.Uploads.Single().State.ShouldBe(UploadState.Failed);
    }

    [Fact]
    public async Task ErrorBodyFormat_None_SendsEmptyBody()
    {
        await using BlobEmulator sut = await StartAsync(o => o.ErrorBodyFormat = ErrorBodyFormat.None);
        using BlobApi api = new(sut);

        using HttpResponseMessage response = await api.StartRawAsync(BlobApi.NewHandle(), "{}");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsByteArrayAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task ErrorBodyFormat_PlainText_SendsTextBody()
    {
        await using BlobEmulator sut = await StartAsync(o => o.ErrorBodyFormat = ErrorBodyFormat.PlainText);
        using BlobApi api = new(sut);

        using HttpResponseMessage response = await api.StartRawAsync(BlobApi.NewHandle(), "{}");

        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        (await response.Content.ReadAsStringAsync()).ShouldStartWith("400 Bad Request");
    }

    [Theory]
    [InlineData(400)]
    [InlineData(415)]
    public async Task ContentTypeMismatchStatus_PartWithOtherType_AnswersPerSwitch(int status)
    {
        await using BlobEmulator sut = await StartAsync(o => o.ContentTypeMismatchStatus = status);
        using BlobApi api = new(sut);
        Links links = await api.StartAsync(BlobApi.NewHandle());

        using HttpResponseMessage response = await api.UploadPartRawAsync(links, "?partNumber=1", BlobApi.Bytes(s_a, "application/x-protobuf"));

        ((int)response.StatusCode).ShouldBe(status);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(415)]
    public async Task ContentTypeMismatchStatus_StartWithOtherType_AnswersPerSwitch(int status)
    {
        await using BlobEmulator sut = await StartAsync(o => o.ContentTypeMismatchStatus = status);
        using BlobApi api = new(sut);

        using HttpResponseMessage response = await api.StartRawAsync(BlobApi.NewHandle(), """{"contentType":"application/x-protobuf"}""");

        ((int)response.StatusCode).ShouldBe(status);
    }

    [Theory]
    [InlineData("CRC32C", false, HttpStatusCode.BadRequest)]
    [InlineData("CRC32C", true, HttpStatusCode.OK)]
    [InlineData("SHA-1", false, HttpStatusCode.BadRequest)]
    [InlineData("SHA-1", true, HttpStatusCode.OK)]
    [InlineData("SHA-256", false, HttpStatusCode.BadRequest)]
    [InlineData("SHA-256", true, HttpStatusCode.OK)]
    public async Task AcceptDigestAliases_AliasToken_AnswersPerSwitch(string algorithm, bool aliases, HttpStatusCode expected)
    {
        await using BlobEmulator sut = await StartAsync(o => o.AcceptDigestAliases = aliases);
        using BlobApi api = new(sut);
        Links links = await api.StartAsync(BlobApi.NewHandle());

        using HttpResponseMessage response = await api.UploadPartAsync(links, 1, s_a, Digests.Header(algorithm, s_a));

        response.StatusCode.ShouldBe(expected);
    }

    [Theory]
    [InlineData(600, 600, HttpStatusCode.OK)]
    [InlineData(600, 601, HttpStatusCode.BadRequest)]
    [InlineData(1024, 1024, HttpStatusCode.OK)]
    [InlineData(1024, 1025, HttpStatusCode.BadRequest)]
    public async Task MaxDataHandleLength_HandleAtAndPastLimit_AnswersPerSwitch(int limit, int length, HttpStatusCode expected)
    {
        await using BlobEmulator sut = await StartAsync(o => o.MaxDataHandleLength = limit);
        using BlobApi api = new(sut);

        using HttpResponseMessage response = await api.StartRawAsync(new string('h', length), """{"contentType":"application/octet-stream"}""");

        response.StatusCode.ShouldBe(expected);
    }

    [Theory]
    [InlineData(UnknownUploadStatus.NotFound, 404, null)]
    [InlineData(UnknownUploadStatus.Processing, 200, "processing")]
    public async Task StatusOfUnknownUpload_BeforeComplete_AnswersPerSwitch(UnknownUploadStatus setting, int status, string? state)
    {
        await using BlobEmulator sut = await StartAsync(o => o.StatusOfUnknownUpload = setting);
        using BlobApi api = new(sut);
        Links links = await api.StartAsync(BlobApi.NewHandle());

        (await api.StatusAsync(links)).ShouldBe((status, state));
    }

    [Theory]
    [InlineData(UnknownUploadStatus.NotFound, 404, null)]
    [InlineData(UnknownUploadStatus.Processing, 200, "processing")]
    public async Task StatusOfUnknownUpload_AfterCancel_AnswersPerSwitch(UnknownUploadStatus setting, int status, string? state)
    {
        await using BlobEmulator sut = await StartAsync(o => o.StatusOfUnknownUpload = setting);
        using BlobApi api = new(sut);
        Links links = await api.StartAsync(BlobApi.NewHandle());
        using HttpResponseMessage cancel = await api.CancelAsync(links);

        (await api.StatusAsync(links)).ShouldBe((status, state));
    }

    [Fact]
    public async Task DiscardData_On_KeepsSizeAndCrcButNoBytes()
    {
        await using BlobEmulator sut = await StartAsync(o => o.DiscardData = true);
        using BlobApi api = new(sut);
        string handle = BlobApi.NewHandle();
        byte[] data = BlobApi.RandomBytes(300_000, seed: 5);
        Links links = await api.StartAsync(handle);
        string e1 = await api.UploadPartOkAsync(links, 1, data[..200_000]);
        string e2 = await api.UploadPartOkAsync(links, 2, data[200_000..]);
        using HttpResponseMessage complete = await api.CompleteAsync(links, (1, e1), (2, e2));

        StoredBlob blob = sut.GetBlob(sut.DefaultLayerId, handle)!;
        blob.Length.ShouldBe(data.Length);
        blob.Crc32C.ShouldBe(System.IO.Hashing.Crc32.HashToUInt32(System.IO.Hashing.Crc32ParameterSet.Crc32C, data));
        blob.Sha256.ShouldBeNull();
        Should.Throw<InvalidOperationException>(() => sut.OpenBlob(sut.DefaultLayerId, handle));
        Directory.EnumerateFiles(sut.DataDirectory, "*", SearchOption.AllDirectories).ShouldBeEmpty();
    }

    [Fact]
    public async Task DiscardData_Off_StoresBytes()
    {
        await using BlobEmulator sut = await StartAsync(o => o.DiscardData = false);
        using BlobApi api = new(sut);
        string handle = BlobApi.NewHandle();

        await api.UploadSmallBlobAsync(handle, s_a);

        (await ReadBlobAsync(sut, handle)).ShouldBe(s_a);
    }

    [Fact]
    public async Task DataDirectory_Given_IsUsedAndKeptOnDispose()
    {
        string directory = Path.Combine(Path.GetTempPath(), "emu-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            BlobEmulator sut = await StartAsync(o => o.DataDirectory = directory);
            using (BlobApi api = new(sut))
            {
                await api.UploadSmallBlobAsync(BlobApi.NewHandle(), s_a);
            }

            await sut.DisposeAsync();

            Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).ShouldNotBeEmpty();
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task DataDirectory_Default_IsDeletedOnDispose()
    {
        BlobEmulator sut = await BlobEmulator.StartAsync();
        string directory = sut.DataDirectory;

        await sut.DisposeAsync();

        Directory.Exists(directory).ShouldBeFalse();
    }

    [Fact]
    public async Task Bandwidth_Limited_SlowsBodyUpload()
    {
        await using BlobEmulator sut = await StartAsync(o => o.BandwidthBytesPerSecondPerConnection = 1_000_000);
        using BlobApi api = new(sut);
        Links links = await api.StartAsync(BlobApi.NewHandle());
        Stopwatch watch = Stopwatch.StartNew();

        await api.UploadPartOkAsync(links, 1, new byte[300_000]);

        watch.Elapsed.ShouldBeGreaterThan(TimeSpan.FromMilliseconds(250));
    }

    [Fact]
    public async Task Latency_Set_DelaysEachResponse()
    {
        TimeSpan latency = TimeSpan.FromMilliseconds(300);
        TimerSignallingClock clock = new();
        await using BlobEmulator sut = await StartAsync(o => { o.Latency = latency; o.TimeProvider = clock; });
        using BlobApi api = new(sut);

        Task<HttpResponseMessage> first = api.GetBlobAsync(BlobApi.NewHandle());
        Task<HttpResponseMessage> second = api.GetBlobAsync(BlobApi.NewHandle());
        await clock.WaitForTimerAsync(latency, count: 2);
        clock.Advance(latency - TimeSpan.FromMilliseconds(1));
        bool answeredEarly = first.IsCompleted || second.IsCompleted;
        clock.Advance(TimeSpan.FromMilliseconds(1));
        using HttpResponseMessage a = await first.WaitAsync(TimeSpan.FromSeconds(30));
        using HttpResponseMessage b = await second.WaitAsync(TimeSpan.FromSeconds(30));

        answeredEarly.ShouldBeFalse("no response may arrive before the latency has passed on the emulator's clock");
        a.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        b.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task LargeMemoryPoolBlocks_Off_StillServesUploads()
    {
        await using BlobEmulator sut = await StartAsync(o => o.LargeMemoryPoolBlocks = false);
        using BlobApi api = new(sut);
        string handle = BlobApi.NewHandle();
        byte[] data = BlobApi.RandomBytes(2_000_000, seed: 9);

        await api.UploadSmallBlobAsync(handle, data);

        (await ReadBlobAsync(sut, handle)).ShouldBe(data);
    }

    [Fact]
    public async Task Catalogs_Configured_ServesCustomLayerWithItsContentType()
    {
        await using BlobEmulator sut = await BlobEmulator.StartAsync(new BlobEmulatorOptions
        {
            Catalogs = [new EmulatorCatalog { Hrn = "hrn:here:data::acme:maps", Layers = [new EmulatorLayer { Id = "tiles", ContentType = "application/x-protobuf", ContentEncoding = "gzip" }] }],
        });
        using BlobApi api = new(sut);

        using HttpResponseMessage ok = await api.StartRawAsync(BlobApi.NewHandle(), """{"contentType":"application/x-protobuf","contentEncoding":"gzip"}""", layer: "tiles");
        using HttpResponseMessage wrong = await api.StartRawAsync(BlobApi.NewHandle(), """{"contentType":"application/octet-stream"}""", layer: "tiles");

        sut.DefaultCatalogHrn.ShouldBe("hrn:here:data::acme:maps");
        ok.StatusCode.ShouldBe(HttpStatusCode.OK);
        wrong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task StartAsync_InvalidOptions_ThrowsNamingTheProperty()
    {
        ArgumentException ex = await Should.ThrowAsync<ArgumentException>(() => BlobEmulator.StartAsync(new BlobEmulatorOptions { ContentTypeMismatchStatus = 200 }));

        ex.Message.ShouldContain("ContentTypeMismatchStatus");
    }

    [Theory]
    [InlineData(true, HttpStatusCode.LengthRequired)]
    [InlineData(false, HttpStatusCode.OK)]
    public async Task RequireContentLength_ChunkedJsonBody_AnswersPerSwitch(bool required, HttpStatusCode expected)
    {
        await using BlobEmulator sut = await StartAsync(o => o.RequireContentLength = required);
        using BlobApi api = new(sut);
        var content = new StreamContent(new MemoryStream("{\"contentType\":\"application/octet-stream\"}"u8.ToArray()));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using HttpRequestMessage request = api.Request(HttpMethod.Post, api.BlobUrl(BlobApi.NewHandle()) + "/multiparts", content);
        request.Headers.TransferEncodingChunked = true;

        using HttpResponseMessage response = await api.Http.SendAsync(request);

        response.StatusCode.ShouldBe(expected, await response.Content.ReadAsStringAsync());
        sut.Journal.Entries[^1].ContentLength.ShouldBeNull("the request was sent chunked");
    }

    private static Task<BlobEmulator> StartAsync(Action<BlobEmulatorOptions> configure, bool keepMinimum = false)
    {
        BlobEmulatorOptions options = new() { ProcessingDelay = TimeSpan.Zero };
        if (!keepMinimum)
        {
            options.MinimumPartSize = 1;
        }

        configure(options);
        return BlobEmulator.StartAsync(options);
    }

    private static async Task<byte[]> ReadBlobAsync(BlobEmulator sut, string handle)
    {
        await using Stream stream = sut.OpenBlob(sut.DefaultLayerId, handle)!;
        using MemoryStream copy = new();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
