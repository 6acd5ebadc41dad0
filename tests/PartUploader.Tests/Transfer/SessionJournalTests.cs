using PartUploader.Internal.Protocol;
using PartUploader.Internal.Transfer;

namespace PartUploader.Tests.Transfer;

/// <summary>
/// The resume journal as an observer of the multipart session: what each event writes to the file, read back as a
/// resume would read it, and when the file is removed.
/// </summary>
public sealed class SessionJournalTests : IDisposable
{
    private const long MiB = 1024 * 1024;
    private readonly string _dir = Directory.CreateTempSubdirectory("session-journal-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (SessionJournal Journal, string Path) Create(bool keepOnSuccess = false)
    {
        string source = System.IO.Path.Combine(_dir, "source.bin");
        File.WriteAllBytes(source, new byte[1024]);
        string path = System.IO.Path.Combine(_dir, "upload.journal");
        var request = new UploadRequest(
            "L", "H", "application/octet-stream", null, ForceMultipart: false, WholeBlobDigests.None, Progress: null,
            Journal: new JournalRequest(path, SourceIdentity.Of(source), ResumeFrom: null, keepOnSuccess));
        return (SessionJournal.For(TestUploadContexts.Create(request)).ShouldNotBeNull(), path);
    }

    private static MultipartUpload Upload()
    {
        var link = new BlobLinkTarget("/m/TOK/x", "POST");
        return new MultipartUpload("TOK", link, link, link, link);
    }

    [Fact]
    public void Events_AreWrittenAsAResumeReadsThem()
    {
        (SessionJournal journal, string path) = Create();
        PartPlan plan = PartPlan.Create(12 * MiB, 5 * MiB, 64 * MiB, PartNumbering.FreshOnRetry, 1);

        journal.Started(Upload(), plan);
        JournalState started = UploadJournal.Load(path);
        started.UploadId.ShouldBe("TOK");
        started.PartCount.ShouldBe(3);
        started.PartSize.ShouldBe(5 * MiB);
        started.Acknowledged.ShouldBeEmpty();

        journal.NumberIssued(4);
        UploadJournal.Load(path).NumbersReservedThrough.ShouldBeGreaterThanOrEqualTo(4, "a number is on record before it is used");

        var table = new PartTable();
        PartRecord part = table.Add(1, 5 * MiB);
        table.SetData(part, 5 * MiB, 0xABCD, "crc32c:0000abcd");
        table.RecordAttempt(part, 2);
        table.RecordAttempt(part, 4);
        table.Acknowledge(part, 4, "\"e4\"");
        journal.Acknowledged(part);
        JournalState acknowledged = UploadJournal.Load(path);
        JournalPart recorded = acknowledged.Acknowledged.ShouldHaveSingleItem();
        recorded.ShouldBe(new JournalPart(1, 4, "\"e4\"", 0xABCD, "crc32c:0000abcd", 5 * MiB, 5 * MiB, Retried: true));
        acknowledged.IssuedNumbers.ShouldBe([2, 4], ignoreOrder: true);
        acknowledged.Completing.ShouldBeFalse();

        journal.Completing();
        UploadJournal.Load(path).Completing.ShouldBeTrue();
    }

    [Theory]
    [InlineData(true, false, false)]
    [InlineData(false, false, false)]
    [InlineData(true, true, true)]
    [InlineData(false, true, false)]
    public void Ended_RemovesTheJournal_UnlessACompletedUploadsCallerKeepsIt(bool completed, bool keepOnSuccess, bool kept)
    {
        (SessionJournal journal, string path) = Create(keepOnSuccess);
        journal.Started(Upload(), PartPlan.Create(12 * MiB, 5 * MiB, 64 * MiB, PartNumbering.FreshOnRetry, 1));
        File.Exists(path).ShouldBeTrue();

        journal.Ended(completed);

        File.Exists(path).ShouldBe(kept);
    }
}
