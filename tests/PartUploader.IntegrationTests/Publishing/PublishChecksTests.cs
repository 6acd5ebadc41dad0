using PartUploader.Emulator;
using PartUploader.IntegrationTests.EndToEnd;

namespace PartUploader.IntegrationTests.Publishing;

/// <summary>What is refused before any data request, conflicts with other publications, the configuration fallback, and several workers feeding one publication.</summary>
public sealed class PublishChecksTests(EmulatorFixture fixture) : PublishingTestBase(fixture), IClassFixture<EmulatorFixture>
{
    [Theory]
    [InlineData("a b")]
    [InlineData("tile/1")]
    [InlineData("")]
    public async Task Publish_InvalidPartitionId_IsRefusedBeforeAnyPublishOrBlobRequest(string partitionId)
    {
        string file = WriteFile(Data(100));
        DateTimeOffset start = DateTimeOffset.UtcNow;

        ArgumentException error = await Should.ThrowAsync<ArgumentException>(
            () => CreatePublisher().PublishAsync([PublishItem.FromFile(file, "ok"), PublishItem.FromFile(file, partitionId)], Options()));

        error.Message.ShouldContain("cannot be published");
        Emulator.Journal.Entries.Where(e => e.Timestamp >= start)
            .ShouldAllBe(e => e.Operation == EmulatorOperation.Lookup || e.Operation == EmulatorOperation.Config, "only the configuration was read");
    }

    [Fact]
    public async Task Publish_TwoItemsWithOnePartitionId_AreRefusedBeforeAnyRequestAfterTheConfig()
    {
        string file = WriteFile(Data(100));
        DateTimeOffset start = DateTimeOffset.UtcNow;

        ArgumentException error = await Should.ThrowAsync<ArgumentException>(
            () => CreatePublisher().PublishAsync([PublishItem.FromFile(file, "same"), PublishItem.FromFile(file, "same")], Options()));

        error.Message.ShouldContain("both map to the partition 'same'");
        Since(start, EmulatorOperation.InitPublication).ShouldBeEmpty();
        Since(start, EmulatorOperation.PutBlob).ShouldBeEmpty();
    }

    [Fact]
    public async Task Publish_UnknownLayer_IsTypedLayerNotFound_AndNothingIsInitialized()
    {
        DateTimeOffset start = DateTimeOffset.UtcNow;

        PublicationException error = await Should.ThrowAsync<PublicationException>(
            () => CreatePublisher().PublishAsync([PublishItem.FromFile(WriteFile(Data(10)), "p")], Options(o => o.LayerId = "no-such-layer")));

        error.ErrorCode.ShouldBe(PartUploadErrorCodes.LayerNotFound);
        Since(start, EmulatorOperation.InitPublication).ShouldBeEmpty();
    }

    [Fact]
    public async Task Publish_ToAnIndexLayer_IsTypedLayerMismatch()
    {
        PublicationException error = await Should.ThrowAsync<PublicationException>(
            () => CreatePublisher().PublishAsync([PublishItem.FromFile(WriteFile(Data(10)), "p")], Options(o => o.LayerId = Emulator.IndexLayerId)));

        error.ErrorCode.ShouldBe(PartUploadErrorCodes.LayerMismatch);
        error.Message.ShouldContain("'index' layer");
    }

    [Fact]
    public async Task Publish_ContentTypeOtherThanTheLayers_IsRefusedBeforeAnyUpload()
    {
        DateTimeOffset start = DateTimeOffset.UtcNow;

        PublicationException error = await Should.ThrowAsync<PublicationException>(
            () => CreatePublisher().PublishAsync([PublishItem.FromFile(WriteFile(Data(10)), "p")], Options(o => o.ContentType = "application/json")));

        error.ErrorCode.ShouldBe(PartUploadErrorCodes.LayerMismatch);
        Since(start, EmulatorOperation.PutBlob).ShouldBeEmpty();
    }

    [Fact]
    public async Task Publish_WhileAnotherPublicationIsSubmitted_IsTypedConflict_AndTheOtherIsLeftAlone()
    {
        Emulator.Options.Publishing.ProcessingDelay = TimeSpan.FromHours(1);
        PublicationClient publisher = CreatePublisher();
        PublicationInfo other = await publisher.InitializeAsync(Layer);
        await publisher.AddAsync(other.Id, [PublishItem.FromFile(WriteFile(Data(50)), "other")], Options());
        await publisher.SubmitAsync(other.Id);

        PublicationException error = await Should.ThrowAsync<PublicationException>(
            () => publisher.PublishAsync([PublishItem.FromFile(WriteFile(Data(10)), "p")], Options()));

        error.ErrorCode.ShouldBe(PartUploadErrorCodes.PublicationConflict);
        error.Status.ShouldBe(409);
        error.Message.ShouldContain(other.Id, Case.Sensitive, "the service's answer names the active publication");
        Emulator.Publications.Single(p => p.Id == other.Id).State.ShouldBe("submitted");
        Emulator.Options.Publishing.ProcessingDelay = TimeSpan.Zero;
        (await publisher.WaitAsync(other.Id)).State.ShouldBe(PublicationState.Succeeded);
    }

    [Fact]
    public async Task Publish_ConfigForbidden_FallsBackToTheCallersSettings_OrFailsWhenTheyAreMissingOrRequired()
    {
        Emulator.Options.Publishing.ConfigForbidden = true;
        PublicationClient publisher = CreatePublisher();
        PublishItem item = PublishItem.FromFile(WriteFile(Data(300)), "fallback");

        PublicationException missing = await Should.ThrowAsync<PublicationException>(() => publisher.PublishAsync([item], Options()));
        missing.ErrorCode.ShouldBe(PartUploadErrorCodes.ConfigUnavailable);
        PublicationException required = await Should.ThrowAsync<PublicationException>(
            () => publisher.PublishAsync([item], Options(o => { o.ContentType = "application/octet-stream"; o.RequireLayerConfig = true; })));
        required.ErrorCode.ShouldBe(PartUploadErrorCodes.ConfigUnavailable);

        PublicationResult result = await publisher.PublishAsync(
            [item], Options(o => { o.ContentType = "application/octet-stream"; o.Checksum = PartitionChecksum.Sha256; }));
        ShouldBeVisible(result);
    }

    [Fact]
    public async Task ScaleOut_ThreeWorkersFeedOnePublication_OneSubmit_AllPartitionsInOneVersion()
    {
        PublicationClient coordinator = CreatePublisher();
        long before = Emulator.GetCatalogVersion();
        PublicationInfo publication = await coordinator.InitializeAsync(Layer);
        PublishItem[] items = PublishItem.FromDirectory(WriteDirectory(12)).ToArray();

        // Each worker has a client of its own, as separate processes would.
        IReadOnlyList<PublishedPartition>[] shares = await Task.WhenAll(Enumerable.Range(0, 3).Select(k =>
            CreatePublisher().AddAsync(publication.Id, items.Where((_, i) => i % 3 == k), Options())));
        await coordinator.SubmitAsync(publication.Id);
        PublicationInfo done = await coordinator.WaitAsync(publication.Id, new PublicationWaitOptions { PollInterval = TimeSpan.FromMilliseconds(20) });

        done.State.ShouldBe(PublicationState.Succeeded);
        Emulator.GetCatalogVersion().ShouldBe(before + 1);
        var visible = Emulator.GetPartitions(Layer, before + 1).Where(p => p.Version == before + 1).Select(p => p.Partition).Order(StringComparer.Ordinal);
        visible.ShouldBe(items.Select(i => i.PartitionId).Order(StringComparer.Ordinal));
        shares.Sum(s => s.Count).ShouldBe(12);
    }

    [Fact]
    public async Task AddAsync_ToASubmittedPublication_IsTypedNotOpen_BeforeAnyUpload()
    {
        Emulator.Options.Publishing.ProcessingDelay = TimeSpan.FromHours(1);
        PublicationClient publisher = CreatePublisher();
        PublicationInfo publication = await publisher.InitializeAsync(Layer);
        await publisher.AddAsync(publication.Id, [PublishItem.FromFile(WriteFile(Data(20)), "first")], Options());
        await publisher.SubmitAsync(publication.Id);
        DateTimeOffset start = DateTimeOffset.UtcNow;

        PublicationException error = await Should.ThrowAsync<PublicationException>(
            () => publisher.AddAsync(publication.Id, [PublishItem.FromFile(WriteFile(Data(20)), "late")], Options()));

        error.ErrorCode.ShouldBe(PartUploadErrorCodes.PublicationNotOpen);
        error.State.ShouldBe("submitted");
        Since(start, EmulatorOperation.PutBlob).ShouldBeEmpty();
        Emulator.Options.Publishing.ProcessingDelay = TimeSpan.Zero;
        await publisher.WaitAsync(publication.Id);
    }

    [Fact]
    public async Task GetPartitions_PagedByTheService_FollowsNextLinks()
    {
        PublicationResult result = await CreatePublisher().PublishAsync(PublishItem.FromDirectory(WriteDirectory(9)), Options());
        Emulator.Options.Publishing.MetadataPageSize = 2;
        DateTimeOffset start = DateTimeOffset.UtcNow;

        IReadOnlyList<PartitionMetadata> read = await CreatePublisher().GetPartitionsAsync(Layer, result.Version!.Value);

        read.Count.ShouldBe(Emulator.GetPartitions(Layer, result.Version).Count);
        read.Select(p => p.PartitionId).ShouldBeSubsetOf(Emulator.GetPartitions(Layer, result.Version).Select(p => p.Partition));
        Since(start, EmulatorOperation.GetPartitions).Length.ShouldBe((read.Count + 1) / 2);
        PartitionMetadata first = read.Single(p => p.PartitionId == result.Partitions[0].PartitionId);
        first.Crc.ShouldBe(result.Partitions[0].Crc);
        first.Checksum.ShouldBe(result.Partitions[0].Checksum);
        (await CreatePublisher().GetLatestVersionAsync()).ShouldBe(result.Version);
    }
}
