using PartUploader.Emulator;
using PartUploader.IntegrationTests.EndToEnd;

namespace PartUploader.IntegrationTests.Publishing;

/// <summary>A publishing process killed (no cleanup, as a crash) at a chosen point, then rerun with the same journal.</summary>
public sealed class PublishCrashTests(EmulatorFixture fixture) : PublishingTestBase(fixture), IClassFixture<EmulatorFixture>
{
    /// <summary>The publication a killed child journaled (its id is known before any upload).</summary>
    private static string JournaledId(string journal) =>
        System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(journal, "publication.json"))).RootElement.GetProperty("publicationId").GetString()!;

    private Task<int> RunChildUntilAsync(string dir, string journal, string killLine) =>
        CrashChildProcess.RunUntilAsync(
            ["publish", Emulator.LookupUrl.ToString(), Emulator.DefaultCatalogHrn, Emulator.IssueAccessToken(), dir, journal], killLine);

    [Fact]
    public async Task KilledDuringUploads_RerunContinuesTheSamePublication_WithoutSendingFinishedItemsAgain()
    {
        string dir = WriteDirectory(8);
        string journal = Path.Combine(Root, "journal-uploads");
        long before = Emulator.GetCatalogVersion();
        DateTimeOffset start = DateTimeOffset.UtcNow;

        await RunChildUntilAsync(dir, journal, "ITEM 3");
        string killedId = JournaledId(journal);
        DateTimeOffset rerunStart = DateTimeOffset.UtcNow;
        PublicationResult result = await CreatePublisher().PublishAsync(PublishItem.FromDirectory(dir), Options(o => o.JournalDirectory = journal));

        result.PublicationId.ShouldBe(killedId, "the rerun continued the publication the killed run started");
        result.Version.ShouldBe(before + 1);
        ShouldBeVisible(result);
        Since(start, EmulatorOperation.InitPublication).Length.ShouldBe(1);
        Since(rerunStart, EmulatorOperation.PutBlob).Length.ShouldBeLessThanOrEqualTo(5, "at least the 3 items the killed run finished were not sent again");
        Directory.Exists(journal).ShouldBeTrue();
        File.Exists(Path.Combine(journal, "publication.json")).ShouldBeFalse("the journal is removed on success");
    }

    [Fact]
    public async Task KilledOnceEveryPartitionWasAdded_RerunSubmitsTheSamePublicationOnce()
    {
        string dir = WriteDirectory(4);
        string journal = Path.Combine(Root, "journal-metadata");
        long before = Emulator.GetCatalogVersion();
        DateTimeOffset start = DateTimeOffset.UtcNow;

        // Killed after the last metadata batch was accepted: before the submit, or (if the child is quicker than the kill)
        // after it but before the journal recorded it. The rerun must finish the same publication either way.
        await RunChildUntilAsync(dir, journal, "METADATA 4");
        PublicationResult result = await CreatePublisher().PublishAsync(PublishItem.FromDirectory(dir), Options(o => o.JournalDirectory = journal));

        result.Version.ShouldBe(before + 1);
        ShouldBeVisible(result);
        Since(start, EmulatorOperation.InitPublication).Length.ShouldBe(1);
        Since(start, EmulatorOperation.SubmitPublication).Count(e => e.StatusCode is >= 200 and < 300).ShouldBe(1);
        Since(start, EmulatorOperation.PutBlob).Length.ShouldBe(4, "every item had been uploaded before the kill");
    }

    [Fact]
    public async Task KilledAfterSubmit_RerunWaitsForTheSamePublication_WithoutASecondSubmit()
    {
        Emulator.Options.Publishing.ProcessingDelay = TimeSpan.FromHours(1);
        string dir = WriteDirectory(4);
        string journal = Path.Combine(Root, "journal-submitted");
        long before = Emulator.GetCatalogVersion();
        DateTimeOffset start = DateTimeOffset.UtcNow;

        await RunChildUntilAsync(dir, journal, "SUBMITTED");
        Emulator.Options.Publishing.ProcessingDelay = TimeSpan.Zero;
        PublicationResult result = await CreatePublisher().PublishAsync(PublishItem.FromDirectory(dir), Options(o => o.JournalDirectory = journal));

        result.State.ShouldBe(PublicationState.Succeeded);
        result.Version.ShouldBe(before + 1);
        result.Verified.ShouldBeTrue();
        ShouldBeVisible(result);
        Since(start, EmulatorOperation.InitPublication).Length.ShouldBe(1);
        Since(start, EmulatorOperation.SubmitPublication).Length.ShouldBe(1);
        Since(start, EmulatorOperation.PutBlob).Length.ShouldBe(4, "the rerun uploaded nothing");
    }

    [Fact]
    public async Task JournaledPublicationCancelledMeanwhile_IsTypedNotOpen_AndTheNextRunStartsAfresh()
    {
        string dir = WriteDirectory(5);
        string journal = Path.Combine(Root, "journal-cancelled");
        await RunChildUntilAsync(dir, journal, "ITEM 2");
        PublicationClient publisher = CreatePublisher();
        string killedId = JournaledId(journal);
        await publisher.CancelAsync(killedId);

        PublicationException error = await Should.ThrowAsync<PublicationException>(
            () => publisher.PublishAsync(PublishItem.FromDirectory(dir), Options(o => o.JournalDirectory = journal)));
        error.ErrorCode.ShouldBe(PartUploadErrorCodes.PublicationNotOpen);
        error.State.ShouldBe("cancelled");
        error.PublicationId.ShouldBe(killedId);

        PublicationResult fresh = await publisher.PublishAsync(PublishItem.FromDirectory(dir), Options(o => o.JournalDirectory = journal));
        fresh.PublicationId.ShouldNotBe(killedId);
        ShouldBeVisible(fresh);
    }

    [Fact]
    public async Task Journal_OfOtherItems_IsRefused()
    {
        string journal = Path.Combine(Root, "journal-other");
        await RunChildUntilAsync(WriteDirectory(3), journal, "ITEM 1");

        PartUploadException error = await Should.ThrowAsync<PartUploadException>(
            () => CreatePublisher().PublishAsync(PublishItem.FromDirectory(WriteDirectory(2)), Options(o => o.JournalDirectory = journal)));

        error.ErrorCode.ShouldBe(PartUploadErrorCodes.JournalInvalid);
        await CreatePublisher().CancelAsync(JournaledId(journal));
    }
}
