using PartUploader.Emulator;
using PartUploader.IntegrationTests.EndToEnd;

namespace PartUploader.IntegrationTests.Publishing;

/// <summary>The client against both settings of the emulator's switches for the publish spec's uncertain points.</summary>
public sealed class PublishSwitchTests(EmulatorFixture fixture) : PublishingTestBase(fixture), IClassFixture<EmulatorFixture>
{
    [Theory]
    [InlineData(200)]
    [InlineData(201)]
    public async Task Publish_InitAnsweredWithEither2xx_Succeeds(int status) // P26
    {
        Emulator.Options.Publishing.InitSuccessStatus = status;

        PublicationResult result = await CreatePublisher().PublishAsync([PublishItem.FromFile(WriteFile(Data(100)), "p26")], Options());

        ShouldBeVisible(result);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Publish_ConfigOnThePlatformOrTheResourceRoute_IsFound(bool resourceRoute) // P27
    {
        Emulator.Options.Publishing.ConfigOnResourceRoute = resourceRoute;

        PublicationResult result = await CreatePublisher().PublishAsync([PublishItem.FromFile(WriteFile(Data(100)), "p27")], Options());

        result.Partitions[0].Checksum.ShouldNotBeNull("the layer's digest came from its configuration");
        ShouldBeVisible(result);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Cancel_AnsweredWithOrWithoutBody_Succeeds(bool withBody) // P12
    {
        Emulator.Options.Publishing.CancelAnswersWithBody = withBody;
        PublicationClient publisher = CreatePublisher();
        PublicationInfo publication = await publisher.InitializeAsync(Layer);

        await publisher.CancelAsync(publication.Id);

        Emulator.Publications.Single(p => p.Id == publication.Id).State.ShouldBe("cancelled");
    }

    [Theory]
    [InlineData(false, PartUploadErrorCodes.PublicationCancelled)]
    [InlineData(true, PartUploadErrorCodes.PublicationNotFound)]
    public async Task Wait_OnACancelledPublication_IsTypedWhetherTheServiceAnswers200Or404(bool endedNotFound, string code) // P13
    {
        Emulator.Options.Publishing.EndedPublicationsNotFound = endedNotFound;
        PublicationClient publisher = CreatePublisher();
        PublicationInfo publication = await publisher.InitializeAsync(Layer);
        await publisher.CancelAsync(publication.Id);

        PublicationException error = await Should.ThrowAsync<PublicationException>(() => publisher.WaitAsync(publication.Id));

        error.ErrorCode.ShouldBe(code);
        error.PublicationId.ShouldBe(publication.Id);
    }

    [Theory]
    [InlineData(409)]
    [InlineData(400)]
    public async Task Submit_InTheWrongState_IsTypedWithTheServicesStatus(int status) // P8
    {
        Emulator.Options.Publishing.WrongStateStatus = status;
        PublicationClient publisher = CreatePublisher();
        PublicationInfo publication = await publisher.InitializeAsync(Layer);
        await publisher.CancelAsync(publication.Id);

        PublicationException error = await Should.ThrowAsync<PublicationException>(() => publisher.SubmitAsync(publication.Id));

        error.Status.ShouldBe(status);
        error.Operation.ShouldBe("SubmitPublication");
    }

    [Theory]
    [InlineData(ActivePublicationPolicy.CancelInitialized)]
    [InlineData(ActivePublicationPolicy.Conflict)]
    public async Task Publish_WhileAnotherIsInitialized_ReplacesItOrIsTypedConflict(ActivePublicationPolicy policy) // P18
    {
        Emulator.Options.Publishing.InitOverInitialized = policy;
        PublicationClient publisher = CreatePublisher();
        PublicationInfo other = await publisher.InitializeAsync(Layer);
        Task<PublicationResult> publish = publisher.PublishAsync([PublishItem.FromFile(WriteFile(Data(100)), "p18")], Options());

        if (policy == ActivePublicationPolicy.Conflict)
        {
            (await Should.ThrowAsync<PublicationException>(publish)).ErrorCode.ShouldBe(PartUploadErrorCodes.PublicationConflict);
            Emulator.Publications.Single(p => p.Id == other.Id).State.ShouldBe("initialized", "another writer's publication is left alone");
            await publisher.CancelAsync(other.Id);
        }
        else
        {
            ShouldBeVisible(await publish);
            Emulator.Publications.Single(p => p.Id == other.Id).State.ShouldBe("cancelled", "the service cancels an idle initialized publication (its default)");
        }
    }

    [Theory]
    [InlineData(5, null, 3)] // a service cap at or above the client's batch: ceil(12 / 5) requests
    [InlineData(5, 5, 3)]
    [InlineData(10, 5, 0)] // the client's batch above the service's cap: the service refuses it
    public async Task Publish_AgainstTheServicesBatchCapOrNone_SucceedsOnlyWithinIt(int perRequest, int? cap, int expectedRequests) // P1
    {
        Emulator.Options.Publishing.MaxPartitionsPerRequest = cap;
        DateTimeOffset start = DateTimeOffset.UtcNow;
        Task<PublicationResult> publish = CreatePublisher().PublishAsync(PublishItem.FromDirectory(WriteDirectory(12)), Options(o => o.PartitionsPerRequest = perRequest));

        if (expectedRequests == 0)
        {
            PublicationException error = await Should.ThrowAsync<PublicationException>(publish);
            error.Status.ShouldBe(400);
            error.CancelledOnServer.ShouldBeTrue();
        }
        else
        {
            ShouldBeVisible(await publish);
            Since(start, EmulatorOperation.UploadPartitions).Length.ShouldBe(expectedRequests);
        }
    }

    [Theory]
    [InlineData(HandleCheckMode.RejectAtUpload)]
    [InlineData(HandleCheckMode.FailAtProcessing)]
    [InlineData(HandleCheckMode.None)]
    public async Task Publish_UnderEveryHandleCheck_Succeeds_BecauseMetadataIsSentOnlyForCompletedBlobs(HandleCheckMode mode) // P7, P25
    {
        Emulator.Options.Publishing.HandleCheck = mode;

        PublicationResult result = await CreatePublisher().PublishAsync(PublishItem.FromDirectory(WriteDirectory(3, 11 * MiB)), Options());

        ShouldBeVisible(result);
    }
}
