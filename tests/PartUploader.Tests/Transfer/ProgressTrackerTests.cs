using Microsoft.Extensions.Time.Testing;
using PartUploader.Internal.Transfer;

namespace PartUploader.Tests.Transfer;

public class ProgressTrackerTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly RecordingProgress _sink = new();

    private ProgressTracker CreateSut(long? total = 1_000, int? parts = 10) => new(_sink, _time, total, parts);

    [Fact]
    public void AddSent_ManyUpdates_ReportsMonotonicValues()
    {
        var sut = CreateSut();

        for (int i = 0; i < 50; i++)
        {
            sut.AddSent(10);
            if (i % 5 == 0)
            {
                sut.AddAcknowledged(40);
            }

            _time.Advance(TimeSpan.FromMilliseconds(150));
        }

        _sink.Reports.Count.ShouldBeGreaterThan(10);
        _sink.Reports.Zip(_sink.Reports.Skip(1)).ShouldAllBe(p =>
            p.Second.BytesSent >= p.First.BytesSent && p.Second.BytesAcknowledged >= p.First.BytesAcknowledged && p.Second.PartsCompleted >= p.First.PartsCompleted);
    }

    [Fact]
    public void AddSent_BeyondTotal_NeverReportsMoreThanTotal()
    {
        var sut = CreateSut(total: 1_000);

        sut.AddSent(1_500);
        sut.AddAcknowledged(1_200);

        _sink.Reports.ShouldAllBe(r => r.BytesSent <= 1_000 && r.BytesAcknowledged <= 1_000);
        _sink.Reports[^1].BytesSent.ShouldBe(1_000);
    }

    [Fact]
    public void AddAcknowledged_AfterClose_ReportsNothing()
    {
        var sut = CreateSut();
        sut.AddAcknowledged(100);
        sut.Close(report: false);
        int before = _sink.Reports.Count;

        sut.AddAcknowledged(100);
        sut.AddRetry();
        _time.Advance(TimeSpan.FromSeconds(1));
        sut.AddSent(5);

        _sink.Reports.Count.ShouldBe(before);
    }

    [Fact]
    public void Close_WithReport_ReportsFinalStateOnce()
    {
        var sut = CreateSut();
        sut.AddSent(1_000);
        sut.AddAcknowledged(1_000);
        int before = _sink.Reports.Count;

        sut.Close(report: true);
        sut.Close(report: true);

        _sink.Reports.Count.ShouldBe(before + 1);
        _sink.Reports[^1].BytesAcknowledged.ShouldBe(1_000);
    }

    [Fact]
    public void AddSent_WithinInterval_IsRateLimited()
    {
        var sut = CreateSut();

        sut.AddSent(1);
        sut.AddSent(1);
        sut.AddSent(1);

        _sink.Reports.Count.ShouldBe(1);
    }

    [Fact]
    public void AddAcknowledged_SentBelowAcknowledged_ReportsSentAtLeastAcknowledged()
    {
        var sut = CreateSut();

        sut.AddAcknowledged(300);

        _sink.Reports[^1].BytesSent.ShouldBe(300);
        _sink.Reports[^1].PartsCompleted.ShouldBe(1);
    }

    private sealed class RecordingProgress : IProgress<UploadProgress>
    {
        public List<UploadProgress> Reports { get; } = [];

        public void Report(UploadProgress value) => Reports.Add(value);
    }
}
