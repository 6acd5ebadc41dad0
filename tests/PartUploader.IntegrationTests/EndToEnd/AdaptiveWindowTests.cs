using System.Diagnostics;
using PartUploader.Emulator;
using Xunit.Abstractions;

namespace PartUploader.IntegrationTests.EndToEnd;

/// <summary>
/// The adaptive window against a busy service (<see cref="BlobEmulatorOptions.MaxRequestsInFlight"/>): a throttled answer
/// halves the window and pauses new sends for the <c>Retry-After</c>, so a 33-part upload at MaxConcurrency 16 completes
/// with about one throttled answer per part or fewer. Throttled answers do not spend a part's MaxAttempts (5) or the
/// retry budget, so C = 1 completes too.
/// </summary>
public sealed class AdaptiveWindowTests(EmulatorFixture fixture, ITestOutputHelper output) : EmulatorTestBase(fixture), IClassFixture<EmulatorFixture>
{
    private const int Parts = 33;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task UploadAsync_ServiceAcceptsFewRequests_CompletesWithFewThrottledAnswers(int capacity)
    {
        Emulator.Options.MaxRequestsInFlight = capacity;
        Emulator.Options.ProcessingDelay = TimeSpan.Zero;
        Emulator.Load.Reset();
        try
        {
            byte[] data = Data(Parts * 5 * MiB, seed: 80 + capacity);
            string handle = NewHandle("busy");
            PartUploadClient client = CreateClient(o =>
            {
                o.MaxConcurrency = 16;
                o.MaxBufferedBytes = 17 * 5 * MiB;
            });

            var clock = Stopwatch.StartNew();
            PartUploadResult result = await client.UploadAsync(WriteFile(data), Options(handle));
            clock.Stop();

            long throttled = Emulator.Load.Throttled;
            JournalEntry[] refused = Emulator.Journal.Entries.Where(e => e.FaultApplied == "capacity" && e.Path.Contains(handle, StringComparison.Ordinal)).ToArray();
            output.WriteLine($"C={capacity}: {Parts} parts, {throttled} throttled answers ({(double)throttled / Parts:0.00} per part), peak {Emulator.Load.PeakInFlight}, {clock.Elapsed.TotalSeconds:0.0} s, {result.Retries} retries");
            result.PartCount.ShouldBe(Parts);
            ShouldHaveStored(handle, data);
            ShouldNeverReuseNumbers(handle);
            refused.Length.ShouldBe((int)throttled, "the journal holds each throttled answer of this upload");
            refused.ShouldAllBe(e => e.StatusCode == 503 && e.BytesReceived == 0);

            // The bound: the first round sends MaxConcurrency requests at once (MaxConcurrency - C refused), each halving of
            // the window refuses at most the requests already admitted, and later probes of the capacity are slowed down
            // each time they fail; 2 per part on average leaves room for timing (measured: about 1 per part).
            throttled.ShouldBeLessThanOrEqualTo(2L * Parts, "the window adapts instead of hammering the busy service");
        }
        finally
        {
            Emulator.Options.MaxRequestsInFlight = null;
            Emulator.Load.Reset();
        }
    }
}
