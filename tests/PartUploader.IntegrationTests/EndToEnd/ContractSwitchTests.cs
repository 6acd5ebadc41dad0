using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PartUploader.Emulator;

namespace PartUploader.IntegrationTests.EndToEnd;

/// <summary>The UNCERTAIN points of spec section 9, each in both settings, and the typed errors of the service.</summary>
public sealed class ContractSwitchTests(EmulatorFixture fixture) : EmulatorTestBase(fixture), IClassFixture<EmulatorFixture>
{
    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(true, false)]
    public async Task UploadAsync_RelativeOrAbsoluteLinks_QuotedOrBareETags_Completes(bool relativeLinks, bool quotedETags)
    {
        Emulator.Options.RelativeLinks = relativeLinks;
        Emulator.Options.QuotedETags = quotedETags;
        byte[] data = Data((2 * 5 * MiB) + 9, seed: 50);
        string handle = NewHandle("links");

        await CreateClient().UploadAsync(WriteFile(data), Options(handle));

        ShouldHaveStored(handle, data);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(300)]
    public async Task UploadAsync_ProcessingDelay_WaitsForCompleted(int delayMs)
    {
        Emulator.Options.ProcessingDelay = TimeSpan.FromMilliseconds(delayMs);
        byte[] data = Data(5 * MiB, seed: 51);
        string handle = NewHandle("processing");

        await CreateClient().UploadAsync(WriteFile(data), Options(handle));

        ShouldHaveStored(handle, data);
        string id = UploadOf(handle).UploadId;
        int polls = Emulator.Journal.Entries.Count(e => e.UploadId == id && e.Operation == EmulatorOperation.GetStatus);
        polls.ShouldBeGreaterThanOrEqualTo(delayMs == 0 ? 1 : 2);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UploadAsync_AlternateDigestTokens_AcceptedOnlyWhenTheServiceAcceptsThem(bool serviceAccepts)
    {
        Emulator.Options.AcceptDigestAliases = serviceAccepts;
        byte[] data = Data(5 * MiB, seed: 52);
        string handle = NewHandle("alias");
        PartUploadClient sut = CreateClient(o => { o.UseAlternateDigestTokens = true; o.DigestAlgorithm = DigestAlgorithm.Sha256; o.Retry.MaxAttempts = 2; });

        if (serviceAccepts)
        {
            await sut.UploadAsync(WriteFile(data), Options(handle));
            ShouldHaveStored(handle, data);
        }
        else
        {
            PartChecksumMismatchException ex = await Should.ThrowAsync<PartChecksumMismatchException>(() => sut.UploadAsync(WriteFile(data), Options(handle)));
            ex.Status.ShouldBe(400);
            UploadOf(handle).State.ShouldBe(UploadState.Cancelled);
        }
    }

    [Theory]
    [InlineData(400)]
    [InlineData(415)]
    public async Task UploadAsync_ContentTypeOfAnotherLayer_FailsFastWithTheServiceStatus(int mismatchStatus)
    {
        Emulator.Options.ContentTypeMismatchStatus = mismatchStatus;
        string handle = NewHandle("ctype");
        PartUploadOptions options = Options(handle);
        options.ContentType = "application/x-protobuf";

        PartUploadException ex = await Should.ThrowAsync<PartUploadException>(() => CreateClient().UploadAsync(WriteFile(Data(MiB)), options));

        ex.Status.ShouldBe(mismatchStatus);
        ex.Operation.ShouldBe("StartMultipart");
        Emulator.Uploads.ShouldNotContain(u => u.DataHandle == handle);
    }

    [Theory]
    [InlineData(ErrorBodyFormat.Json)]
    [InlineData(ErrorBodyFormat.None)]
    [InlineData(ErrorBodyFormat.PlainText)]
    public async Task UploadAsync_HandleAlreadyUsed_ThrowsBlobAlreadyExistsWhateverTheErrorBody(ErrorBodyFormat format)
    {
        Emulator.Options.ErrorBodyFormat = format;
        string handle = NewHandle("dup");
        await CreateClient().UploadAsync(WriteFile(Data(10)), Options(handle, forceMultipart: false));

        BlobAlreadyExistsException ex = await Should.ThrowAsync<BlobAlreadyExistsException>(
            () => CreateClient().UploadAsync(WriteFile(Data(5 * MiB)), Options(handle)));

        ex.Status.ShouldBe(409);
        if (format == ErrorBodyFormat.Json)
        {
            ex.ErrorCode.ShouldNotBeNullOrEmpty();
            ex.CorrelationId.ShouldNotBeNullOrEmpty();
        }
    }

    [Theory]
    [InlineData(600, 601, false)]
    [InlineData(1024, 1024, true)]
    public async Task UploadAsync_DataHandleLength_FollowsTheConfiguredLimit(int limit, int length, bool accepted)
    {
        Emulator.Options.MaxDataHandleLength = limit;
        string handle = new string('h', length - 33) + "-" + Guid.NewGuid().ToString("N");
        PartUploadClient sut = CreateClient(o => o.MaxDataHandleLength = limit);
        if (accepted)
        {
            await sut.UploadAsync(WriteFile(Data(100)), Options(handle, forceMultipart: false));
            Emulator.GetBlob(BlobEmulatorOptions.DemoVersionedLayerId, handle).ShouldNotBeNull();
        }
        else
        {
            ArgumentException ex = await Should.ThrowAsync<ArgumentException>(() => sut.UploadAsync(WriteFile(Data(100)), Options(handle)));
            ex.Message.ShouldContain("at most 600");
            // Only this handle's requests: another test's late request may be recorded meanwhile (see TimeLimitTests).
            Emulator.Journal.Entries.Where(e => e.Path.Contains(handle, StringComparison.Ordinal)).ShouldBeEmpty("nothing may be sent for bad input");
        }
    }

    [Fact]
    public async Task UploadAsync_UnknownLayer_ThrowsNotFoundBeforeAnyPart()
    {
        string handle = NewHandle("nolayer");
        PartUploadOptions options = Options(handle);
        options.LayerId = "no-such-layer";

        PartUploadException ex = await Should.ThrowAsync<PartUploadException>(() => CreateClient().UploadAsync(WriteFile(Data(5 * MiB)), options));

        ex.Status.ShouldBe(404);
        Emulator.Journal.Entries.ShouldNotContain(e => e.Operation == EmulatorOperation.UploadPart && e.Path.Contains(handle, StringComparison.Ordinal));
    }

    [Fact]
    public async Task UploadAsync_TokenWithoutAccessToTheCatalog_Throws403()
    {
        PartUploadClient sut = CreateClient(tokens: AccessTokenSource.FromToken(Emulator.IssueAccessToken(onlyCatalogHrn: "hrn:here:data::other:catalog")));

        PartUploadException ex = await Should.ThrowAsync<PartUploadException>(() => sut.UploadAsync(WriteFile(Data(10)), Options(NewHandle("forbidden"))));

        ex.Status.ShouldBe(403);
    }

    [Fact]
    public async Task AddPartUploader_CatalogHrnAndCredentialsFile_UploadsThroughTokenAndLookup()
    {
        string dir = Directory.CreateTempSubdirectory("pu-di-").FullName;
        try
        {
            string credentials = Emulator.WriteCredentialsFile(Path.Combine(dir, "credentials.properties"));
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["CatalogHrn"] = Emulator.DefaultCatalogHrn,
                ["LookupUrl"] = Emulator.LookupUrl.ToString(),
                ["CredentialsFile"] = credentials,
                ["PartSize"] = (5 * MiB).ToString(System.Globalization.CultureInfo.InvariantCulture),
            }).Build();
            var services = new ServiceCollection();
            services.AddPartUploader(configuration);
            await using ServiceProvider provider = services.BuildServiceProvider();
            byte[] data = Data((2 * 5 * MiB) + 1, seed: 53);
            string handle = NewHandle("di");

            PartUploadResult result = await provider.GetRequiredService<PartUploadClient>().UploadAsync(WriteFile(data), Options(handle));

            ShouldHaveStored(handle, data);
            result.PartCount.ShouldBe(3);
            Emulator.Journal.Entries.ShouldContain(e => e.Operation == EmulatorOperation.Token && e.StatusCode == 200);
            Emulator.Journal.Entries.ShouldContain(e => e.Operation == EmulatorOperation.Lookup && e.StatusCode == 200);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task DownloadToAsync_StoredBlob_ReturnsItsBytes()
    {
        byte[] data = Data((5 * MiB) + 7, seed: 54);
        string handle = NewHandle("download");
        PartUploadClient sut = CreateClient();
        await sut.UploadAsync(WriteFile(data), Options(handle));
        using var copy = new MemoryStream();

        long written = await sut.DownloadToAsync(BlobEmulatorOptions.DemoVersionedLayerId, handle, copy);

        written.ShouldBe(data.Length);
        copy.ToArray().ShouldBe(data);
        (await sut.ExistsAsync(BlobEmulatorOptions.DemoVersionedLayerId, handle)).ShouldBeTrue();
        (await sut.ExistsAsync(BlobEmulatorOptions.DemoVersionedLayerId, handle + "x")).ShouldBeFalse();
    }

    [Fact]
    public async Task DeleteAsync_IndexLayer_DeletesAndVersionedLayerIsForbidden()
    {
        string handle = NewHandle("del");
        PartUploadClient sut = CreateClient();
        PartUploadOptions options = Options(handle, forceMultipart: false);
        options.LayerId = BlobEmulatorOptions.DemoIndexLayerId;
        await sut.UploadAsync(WriteFile(Data(10)), options);

        await sut.DeleteAsync(BlobEmulatorOptions.DemoIndexLayerId, handle);
        PartUploadException ex = await Should.ThrowAsync<PartUploadException>(() => sut.DeleteAsync(BlobEmulatorOptions.DemoVersionedLayerId, handle));

        (await sut.ExistsAsync(BlobEmulatorOptions.DemoIndexLayerId, handle)).ShouldBeFalse();
        ex.Status.ShouldBe(403);
    }

    [Fact]
    public async Task UploadAsync_ServiceRequiresConsecutiveNumbersAndAPartWasRetried_FailsTypedAndCancels()
    {
        Emulator.Options.RequireConsecutivePartNumbers = true;
        string handle = NewHandle("u3");
        Emulator.Faults.Add(FaultRule.Status(503, TimeSpan.Zero) with { Operation = EmulatorOperation.UploadPart, PartNumber = 1, DataHandle = handle });

        PartUploadException ex = await Should.ThrowAsync<PartUploadException>(() => CreateClient().UploadAsync(WriteFile(Data(2 * 5 * MiB)), Options(handle)));

        ex.Status.ShouldBe(400);
        ex.Operation.ShouldBe("CompleteMultipart");
        UploadOf(handle).State.ShouldBe(UploadState.Cancelled);
    }

    [Fact]
    public async Task UploadAsync_ServiceRequiresConsecutiveNumbersWithoutRetries_Completes()
    {
        Emulator.Options.RequireConsecutivePartNumbers = true;
        byte[] data = Data((2 * 5 * MiB) + 1, seed: 55);
        string handle = NewHandle("u3ok");

        await CreateClient().UploadAsync(WriteFile(data), Options(handle));

        ShouldHaveStored(handle, data);
    }

    [Theory]
    [InlineData(PartNumbering.FreshOnRetry, false)]
    [InlineData(PartNumbering.Reserved, true)]
    public async Task UploadAsync_ServiceRequiresAscendingListAfterARetry_OnlyReservedCompletes(PartNumbering numbering, bool completes)
    {
        Emulator.Options.RequireAscendingPartList = true;
        byte[] data = Data(3 * 5 * MiB, seed: 56);
        string handle = NewHandle("u4");
        Emulator.Faults.Add(FaultRule.Status(503, TimeSpan.Zero) with { Operation = EmulatorOperation.UploadPart, PartNumber = 1, DataHandle = handle });
        PartUploadClient sut = CreateClient(o => o.PartNumbering = numbering);

        if (completes)
        {
            await sut.UploadAsync(WriteFile(data), Options(handle));
            ShouldHaveStored(handle, data);
        }
        else
        {
            PartUploadException ex = await Should.ThrowAsync<PartUploadException>(() => sut.UploadAsync(WriteFile(data), Options(handle)));
            ex.Status.ShouldBe(400);
            UploadOf(handle).State.ShouldBe(UploadState.Cancelled);
        }
    }

    [Fact]
    public async Task UploadAsync_MinimumPartSizeOfFiveMillion_AcceptsTheClientsParts()
    {
        Emulator.Options.MinimumPartSize = 5_000_000;
        byte[] data = Data((2 * 5 * MiB) + 2, seed: 57);
        string handle = NewHandle("u5");

        await CreateClient().UploadAsync(WriteFile(data), Options(handle));

        ShouldHaveStored(handle, data);
    }

    [Fact]
    public async Task UploadAsync_HereTokenExpiresMidUpload_RefreshesThroughTheTokenEndpointAndCompletes()
    {
        string dir = Directory.CreateTempSubdirectory("pu-expiry-").FullName;
        try
        {
            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            var tokens = new HereTokenSource(HereCredentials.FromFile(Emulator.WriteCredentialsFile(Path.Combine(dir, "credentials.properties"))), http);
            byte[] data = Data(3 * 5 * MiB, seed: 58);
            string handle = NewHandle("here-expiry");
            Emulator.Faults.Add(FaultRule.ExpireToken() with { Operation = EmulatorOperation.UploadPart, PartNumber = 2, DataHandle = handle });
            int tokenRequestsBefore = Emulator.Journal.Entries.Count(e => e.Operation == EmulatorOperation.Token && e.StatusCode == 200);

            PartUploadResult result = await CreateClient(o => o.MaxConcurrency = 1, tokens).UploadAsync(WriteFile(data), Options(handle));

            ShouldHaveStored(handle, data);
            ShouldNeverReuseNumbers(handle);
            result.PartNumbers.ShouldBe([1, 4, 3]);
            Emulator.Journal.Entries.Count(e => e.Operation == EmulatorOperation.Token && e.StatusCode == 200).ShouldBe(tokenRequestsBefore + 2, "one token at first, one refresh after the 401");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
