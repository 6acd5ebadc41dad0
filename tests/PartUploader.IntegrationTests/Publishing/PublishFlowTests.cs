using PartUploader.Emulator;
using PartUploader.IntegrationTests.EndToEnd;

namespace PartUploader.IntegrationTests.Publishing;

/// <summary>Publishing to a versioned layer of the emulator: the whole flow, its batches, and its failures.</summary>
public sealed class PublishFlowTests(EmulatorFixture fixture) : PublishingTestBase(fixture), IClassFixture<EmulatorFixture>
{
    [Fact]
    public async Task Publish_300SmallAnd3LargeFiles_MakesOneNewVersionWithEveryPartitionAndItsMetadata()
    {
        string dir = WriteDirectory(300, 11 * MiB, 12 * MiB, 13 * MiB);
        long before = Emulator.GetCatalogVersion();
        DateTimeOffset start = DateTimeOffset.UtcNow;
        var progress = new List<PublicationProgress>();

        PublicationResult result = await CreatePublisher(o => o.SingleShotThreshold = 8 * MiB).PublishAsync(
            PublishItem.FromDirectory(dir),
            Options(o =>
            {
                o.PartitionsPerRequest = 50;
                o.Progress = new SyncProgress<PublicationProgress>(progress.Add);
            }));

        result.State.ShouldBe(PublicationState.Succeeded);
        result.Version.ShouldBe(before + 1);
        Emulator.GetCatalogVersion().ShouldBe(before + 1);
        result.Verified.ShouldBeTrue();
        result.Partitions.Count.ShouldBe(303);
        result.Partitions.Select(p => p.PartitionId).ShouldContain("tiles:0:t0.bin");
        result.Partitions.Select(p => p.PartitionId).ShouldContain("archive0.bin");
        result.Partitions.Select(p => p.DataHandle).Distinct().Count().ShouldBe(303, "every item gets its own handle");
        result.Partitions.Select(p => Guid.TryParse(p.DataHandle, out Guid g) && g.ToString("D") == p.DataHandle).ShouldAllBe(ok => ok, "handles are lowercase UUIDs");
        ShouldBeVisible(result);

        // 303 partitions in batches of at most 50: 7 metadata requests, one init, one submit; the large files went as multipart uploads.
        Since(start, EmulatorOperation.UploadPartitions).Length.ShouldBe(7);
        Since(start, EmulatorOperation.CompleteMultipart).Count(e => e.StatusCode is >= 200 and < 300).ShouldBe(3);
        Since(start, EmulatorOperation.InitPublication).Length.ShouldBe(1);
        Since(start, EmulatorOperation.SubmitPublication).Length.ShouldBe(1);
        progress.Select(p => p.Stage).ShouldContain(PublicationStage.Waiting);
        progress[^1].Stage.ShouldBe(PublicationStage.Done);
        progress.Where(p => p.Stage == PublicationStage.Uploading).Max(p => p.PartitionsAdded).ShouldBe(303);
    }

    [Fact]
    public async Task Publish_PartitionsAreSentWhileDataStillUploads_NotAllAtTheEnd()
    {
        string dir = WriteDirectory(30);
        DateTimeOffset start = DateTimeOffset.UtcNow;

        await CreatePublisher(o => o.MaxConcurrency = 1).PublishAsync(PublishItem.FromDirectory(dir), Options(o => o.PartitionsPerRequest = 5));

        JournalEntry firstBatch = Since(start, EmulatorOperation.UploadPartitions).OrderBy(e => e.Timestamp).First();
        JournalEntry lastPut = Since(start, EmulatorOperation.PutBlob).OrderBy(e => e.Timestamp).Last();
        firstBatch.Timestamp.ShouldBeLessThan(lastPut.Timestamp, "the first batch of partitions went before the last blob");
    }

    [Fact]
    public async Task Publish_WithoutWaiting_ReturnsSubmitted_AndWaitAsyncLaterSeesSuccess()
    {
        Emulator.Options.Publishing.ProcessingDelay = TimeSpan.FromMilliseconds(300);
        PublicationClient publisher = CreatePublisher();

        PublicationResult result = await publisher.PublishAsync(PublishItem.FromDirectory(WriteDirectory(3)), Options(o => o.WaitForCompletion = false));

        result.State.ShouldBe(PublicationState.Submitted);
        result.Version.ShouldBeNull();
        var states = new List<PublicationInfo>();
        PublicationInfo done = await publisher.WaitAsync(result.PublicationId, new PublicationWaitOptions
        {
            PollInterval = TimeSpan.FromMilliseconds(50),
            MaxPollInterval = TimeSpan.FromMilliseconds(100),
            Progress = new SyncProgress<PublicationInfo>(states.Add),
        });
        done.State.ShouldBe(PublicationState.Succeeded);
        states[0].State.ShouldBe(PublicationState.Submitted);
    }

    [Fact]
    public async Task Publish_FailedOutcome_IsTypedWithTheServiceMessageAndNoNewVersion()
    {
        Emulator.Options.Publishing.Outcome = PublicationOutcome.Failed;
        Emulator.Options.Publishing.FailureMessage = "schema validation failed";
        long before = Emulator.GetCatalogVersion();

        PublicationException error = await Should.ThrowAsync<PublicationException>(
            () => CreatePublisher().PublishAsync(PublishItem.FromDirectory(WriteDirectory(2)), Options()));

        error.ErrorCode.ShouldBe(PartUploadErrorCodes.PublicationFailed);
        error.State.ShouldBe("failed");
        error.PublicationId.ShouldNotBeNullOrEmpty();
        error.Message.ShouldContain("schema validation failed");
        Emulator.GetCatalogVersion().ShouldBe(before);
    }

    [Fact]
    public async Task Publish_ItemUploadFails_CancelsThePublicationOnTheServer_AndPublishesNothing()
    {
        long before = Emulator.GetCatalogVersion();
        Emulator.Faults.Add(FaultRule.Status(400) with { Operation = EmulatorOperation.PutBlob, Times = FaultRule.Unlimited });

        PublicationException error = await Should.ThrowAsync<PublicationException>(
            () => CreatePublisher().PublishAsync(PublishItem.FromDirectory(WriteDirectory(4)), Options()));

        error.ErrorCode.ShouldBe(PartUploadErrorCodes.ItemFailed);
        error.FailedItems.ShouldNotBeEmpty();
        error.CancelledOnServer.ShouldBeTrue();
        Emulator.Publications.Single(p => p.Id == error.PublicationId).State.ShouldBe("cancelled");
        Emulator.GetCatalogVersion().ShouldBe(before);
    }

    [Fact]
    public async Task Publish_MetadataCallRefused_StopsUploads_CancelsThePublication_AndNamesIt()
    {
        Emulator.Faults.Add(FaultRule.Status(400) with { Operation = EmulatorOperation.UploadPartitions });
        DateTimeOffset start = DateTimeOffset.UtcNow;

        PublicationException error = await Should.ThrowAsync<PublicationException>(
            () => CreatePublisher(o => o.MaxConcurrency = 1).PublishAsync(PublishItem.FromDirectory(WriteDirectory(30)), Options(o => o.PartitionsPerRequest = 2)));

        Since(start, EmulatorOperation.PutBlob).Length.ShouldBeLessThan(30, "the uploads stopped when the metadata call was refused");

        error.Status.ShouldBe(400);
        error.Operation.ShouldBe("UploadPartitions");
        error.CancelledOnServer.ShouldBeTrue();
        error.Message.ShouldContain(error.PublicationId!);
        Emulator.Publications.Single(p => p.Id == error.PublicationId).State.ShouldBe("cancelled");
    }

    [Fact]
    public async Task Publish_TransientFaultsOnEveryPublishCall_AreRetried_AndSubmitIsNeverSentTwiceAfterItTookEffect()
    {
        DateTimeOffset start = DateTimeOffset.UtcNow;
        foreach (EmulatorOperation op in new[] { EmulatorOperation.InitPublication, EmulatorOperation.UploadPartitions, EmulatorOperation.GetPublication, EmulatorOperation.Config, EmulatorOperation.QueryPartitions })
        {
            Emulator.Faults.Add(FaultRule.Status(503, TimeSpan.Zero) with { Operation = op });
        }

        Emulator.Faults.Add(FaultRule.ResetBeforeBody() with { Operation = EmulatorOperation.SubmitPublication });

        PublicationResult result = await CreatePublisher().PublishAsync(PublishItem.FromDirectory(WriteDirectory(5)), Options());

        result.State.ShouldBe(PublicationState.Succeeded);
        ShouldBeVisible(result);
        Emulator.Faults.Rules.ShouldAllBe(r => r.Fired == r.Times, "every fault fired");
        Since(start, EmulatorOperation.SubmitPublication).Length.ShouldBe(2, "the reset submit did not take effect (the state read said initialized), so it was sent again");
    }

    [Fact]
    public async Task Publish_SubmitTookEffectButItsAnswerWasLost_IsSettledByReadingTheState_NeverSentTwice()
    {
        // The emulator handles the submit, then holds its answer beyond the client's attempt timeout.
        Emulator.Faults.Add(FaultRule.DelayResponse(TimeSpan.FromSeconds(2)) with { Operation = EmulatorOperation.SubmitPublication });
        DateTimeOffset start = DateTimeOffset.UtcNow;

        PublicationResult result = await CreatePublisher(o => o.Retry.AttemptTimeout = TimeSpan.FromSeconds(1))
            .PublishAsync(PublishItem.FromDirectory(WriteDirectory(3)), Options());

        result.State.ShouldBe(PublicationState.Succeeded);
        ShouldBeVisible(result);
        // The held submit is journaled when its answer ends, seconds after any second submit would have been answered.
        await WaitForEntryAsync(e => e.Timestamp >= start && e.Operation == EmulatorOperation.SubmitPublication && e.FaultApplied is not null);
        Since(start, EmulatorOperation.SubmitPublication).Length.ShouldBe(1, "a submit that took effect is never sent again");
    }

    [Fact]
    public async Task Publish_PartitionsAnswerLost_UnderDuplicateKeyConflicts_RetryIsCountedAsStored() // P9 alternative
    {
        Emulator.Options.Publishing.DuplicatePartitionConflict = true;
        Emulator.Faults.Add(FaultRule.DelayResponse(TimeSpan.FromSeconds(2)) with { Operation = EmulatorOperation.UploadPartitions });

        PublicationResult result = await CreatePublisher(o => o.Retry.AttemptTimeout = TimeSpan.FromSeconds(1))
            .PublishAsync(PublishItem.FromDirectory(WriteDirectory(4)), Options());

        ShouldBeVisible(result); // without counting the retry's 409 as stored, the publication would have been cancelled
    }

    [Fact]
    public async Task Publish_CallerCancelsWhileWaiting_StopsWaiting_AndThePublicationGoesOn()
    {
        Emulator.Options.Publishing.ProcessingDelay = TimeSpan.FromHours(1);
        using var cts = new CancellationTokenSource();
        PublishOptions options = Options(o => o.Progress = new SyncProgress<PublicationProgress>(p =>
        {
            if (p.Stage == PublicationStage.Waiting)
            {
                cts.Cancel();
            }
        }));

        PublicationWaitCanceledException? error = null;
        try
        {
            await CreatePublisher().PublishAsync(PublishItem.FromDirectory(WriteDirectory(2)), options, cts.Token);
        }
        catch (PublicationWaitCanceledException ex)
        {
            error = ex;
        }

        error.ShouldNotBeNull();
        Emulator.Publications.Single(p => p.Id == error.PublicationId).State.ShouldBe("submitted", "nothing cancelled it");
        Emulator.Options.Publishing.ProcessingDelay = TimeSpan.Zero;
        (await CreatePublisher().WaitAsync(error.PublicationId!)).State.ShouldBe(PublicationState.Succeeded);
    }

    [Fact]
    public async Task Wait_ReadsFailingBeyondTheirRetries_KeepsWaitingUntilTheDeadline()
    {
        Emulator.Options.Publishing.ProcessingDelay = TimeSpan.FromMilliseconds(200);
        Emulator.Faults.Add(FaultRule.Status(503, TimeSpan.Zero) with { Operation = EmulatorOperation.GetPublication, Times = 12 });

        PublicationResult result = await CreatePublisher().PublishAsync(PublishItem.FromDirectory(WriteDirectory(2)), Options());

        result.State.ShouldBe(PublicationState.Succeeded);
        Emulator.Faults.Rules.Single().Fired.ShouldBe(12, "more failed reads than one read's retries (5 attempts)");
    }

    [Fact]
    public async Task Publish_CallerCancelsDuringUploads_CancelsThePublicationOnTheServer()
    {
        using var cts = new CancellationTokenSource();
        PublicationClient publisher = CreatePublisher(o => o.MaxConcurrency = 1);
        Emulator.Faults.Add(FaultRule.DelayResponse(TimeSpan.FromSeconds(30)) with { Operation = EmulatorOperation.PutBlob, Skip = 2 });
        PublishOptions options = Options(o => o.Progress = new SyncProgress<PublicationProgress>(p =>
        {
            if (p.ItemsUploaded >= 2)
            {
                cts.Cancel();
            }
        }));

        // Awaited directly (not through Should.ThrowAsync, which makes a new exception for a cancelled task): the caller sees this one.
        OperationCanceledException? error = null;
        try
        {
            await publisher.PublishAsync(PublishItem.FromDirectory(WriteDirectory(6)), options, cts.Token);
        }
        catch (OperationCanceledException ex)
        {
            error = ex;
        }

        error.ShouldNotBeNull("the publish was cancelled");
        string id = (string)error.Data[PartUploadExceptionData.PublicationId]!;
        ((bool)error.Data[PartUploadExceptionData.PublicationCancelledOnServer]!).ShouldBeTrue();
        Emulator.Publications.Single(p => p.Id == id).State.ShouldBe("cancelled");
    }
}

/// <summary>An <see cref="IProgress{T}"/> that reports on the caller's thread (no synchronization context hop).</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    private readonly Lock _gate = new();

    public void Report(T value)
    {
        lock (_gate)
        {
            report(value);
        }
    }
}
