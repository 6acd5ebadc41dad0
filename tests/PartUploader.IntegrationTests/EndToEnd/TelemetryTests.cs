using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using PartUploader.Emulator;

namespace PartUploader.IntegrationTests.EndToEnd;

/// <summary>The ActivitySource and Meter named PartUploader, observed with in-memory listeners during real uploads.</summary>
[Collection(TelemetryTestGroup.Name)]
public sealed class TelemetryTests(EmulatorFixture fixture) : EmulatorTestBase(fixture), IClassFixture<EmulatorFixture>
{
    [Fact]
    public async Task UploadAsync_WithARetry_EmitsAnUploadSpanWithPartAttemptChildren()
    {
        var activities = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "PartUploader",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Add,
        };
        ActivitySource.AddActivityListener(listener);
        string handle = NewHandle("otel");
        string token = Emulator.IssueAccessToken();
        Emulator.Faults.Add(FaultRule.Status(503, TimeSpan.Zero) with { Operation = EmulatorOperation.UploadPart, PartNumber = 2, DataHandle = handle });

        await CreateClient(tokens: AccessTokenSource.FromToken(token)).UploadAsync(WriteFile(Data(3 * 5 * MiB, 70)), Options(handle));

        string uploadId = UploadOf(handle).UploadId;
        Activity upload = activities.Single(a => a.OperationName == "PartUploader.Upload" && (string?)a.GetTagItem("partuploader.upload_id") == uploadId);
        upload.Status.ShouldBe(ActivityStatusCode.Ok);
        upload.GetTagItem("partuploader.part_count").ShouldBe(3);
        upload.GetTagItem("partuploader.retries").ShouldBe(1);
        var attempts = activities.Where(a => a.OperationName == "PartUploader.PartAttempt" && a.ParentSpanId == upload.SpanId).ToList();
        attempts.Count.ShouldBe(4);
        attempts.Select(a => (int)a.GetTagItem("partuploader.part_number")!).Order().ShouldBe([1, 2, 3, 4]);
        attempts.Single(a => (int)a.GetTagItem("partuploader.part_number")! == 2).GetTagItem("http.response.status_code").ShouldBe(503);
        attempts.Single(a => (int)a.GetTagItem("partuploader.part_number")! == 4).GetTagItem("partuploader.attempt").ShouldBe(2);
        foreach (Activity activity in activities.Where(a => a.TraceId == upload.TraceId))
        {
            foreach (KeyValuePair<string, string?> tag in activity.Tags)
            {
                (tag.Value ?? string.Empty).ShouldNotContain(token);
                (tag.Value ?? string.Empty).ShouldNotContain("http", Case.Insensitive);
            }
        }
    }

    [Fact]
    public async Task UploadAsync_RecordsBytesRetriesDurationsAndBalancedGauges()
    {
        var longs = new ConcurrentDictionary<string, long>();
        var doubles = new ConcurrentDictionary<string, int>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "PartUploader")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => longs.AddOrUpdate(instrument.Name, value, (_, old) => old + value));
        listener.SetMeasurementEventCallback<double>((instrument, _, _, _) => doubles.AddOrUpdate(instrument.Name, 1, (_, old) => old + 1));
        listener.Start();
        string handle = NewHandle("metrics");
        Emulator.Faults.Add(FaultRule.Status(500, TimeSpan.Zero) with { Operation = EmulatorOperation.UploadPart, PartNumber = 1, DataHandle = handle });
        byte[] data = Data((2 * 5 * MiB) + 3, 71);

        await CreateClient().UploadAsync(WriteFile(data), Options(handle));
        listener.RecordObservableInstruments();

        longs["partuploader.bytes.uploaded"].ShouldBeGreaterThanOrEqualTo(data.Length);
        longs["partuploader.part.retries"].ShouldBeGreaterThanOrEqualTo(1);
        longs["partuploader.parts.in_flight"].ShouldBe(0, "every part that started is counted out");
        longs["partuploader.bytes.buffered"].ShouldBe(0, "every buffer returned");
        doubles["partuploader.part.duration"].ShouldBeGreaterThanOrEqualTo(4);
        doubles["partuploader.upload.duration"].ShouldBeGreaterThanOrEqualTo(1);
    }
}

/// <summary>Telemetry listeners are process-wide: these tests do not run beside other uploads.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryTestGroup
{
    public const string Name = "Telemetry";
}
