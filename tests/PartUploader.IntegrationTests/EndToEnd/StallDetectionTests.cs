using System.Diagnostics;
using PartUploader.Emulator;

namespace PartUploader.IntegrationTests.EndToEnd;

/// <summary>
/// Stall detection over real HTTP: a part whose body stops moving is abandoned after <see cref="RetryOptions.StallTimeout"/>
/// and retried under a fresh number, long before <see cref="RetryOptions.AttemptTimeout"/>. A socket stall cannot be
/// driven by a fake clock, so these tests use a 1 s stall timeout and a generous elapsed bound.
/// </summary>
public sealed class StallDetectionTests(EmulatorFixture fixture) : EmulatorTestBase(fixture), IClassFixture<EmulatorFixture>
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task UploadAsync_PartBodyStallsForever_RetriedUnderAFreshNumberWithinTheStallTimeout()
    {
        // Parts larger than the loopback socket buffers, so the stall blocks the client's writes (not only the answer).
        byte[] data = Data(4 * 16 * MiB, seed: 71);
        string handle = NewHandle("stall");
        FaultRule rule = Emulator.Faults.Add(FaultRule.StallBody(64 * 1024, Timeout.InfiniteTimeSpan) with
        {
            Operation = EmulatorOperation.UploadPart, PartNumber = 2, DataHandle = handle,
        });
        PartUploadClient client = CreateClient(o =>
        {
            o.PartSize = 16 * MiB;
            o.Retry.AttemptTimeout = TimeSpan.FromMinutes(5);
            o.Retry.StallTimeout = TimeSpan.FromSeconds(1);
            o.Retry.FirstByteTimeout = null;
        });

        var clock = Stopwatch.StartNew();
        PartUploadResult result = await client.UploadAsync(WriteFile(data), Options(handle));
        clock.Stop();

        rule.Fired.ShouldBe(1);
        ShouldHaveStored(handle, data);
        ShouldNeverReuseNumbers(handle);
        result.Retries.ShouldBe(1);
        result.PartNumbers.ShouldBe([1, 5, 3, 4], "the stalled part is retried under the next number above all issued");
        clock.Elapsed.ShouldBeLessThan(s_bound, "the stall timeout, not the 5 min attempt timeout, bounds the stalled part");
    }

    [Fact]
    public async Task UploadAsync_SinglePutBodyStalls_RetriedWithinTheStallTimeout()
    {
        byte[] data = Data(24 * MiB, seed: 72);
        string handle = NewHandle("stallput");
        FaultRule rule = Emulator.Faults.Add(FaultRule.StallBody(64 * 1024, Timeout.InfiniteTimeSpan) with
        {
            Operation = EmulatorOperation.PutBlob, DataHandle = handle,
        });
        PartUploadClient client = CreateClient(o =>
        {
            o.SingleShotThreshold = 32 * MiB;
            o.Retry.AttemptTimeout = TimeSpan.FromMinutes(5);
            o.Retry.StallTimeout = TimeSpan.FromSeconds(1);
            o.Retry.FirstByteTimeout = null;
        });

        var clock = Stopwatch.StartNew();
        PartUploadResult result = await client.UploadAsync(WriteFile(data), Options(handle, forceMultipart: false));
        clock.Stop();

        rule.Fired.ShouldBe(1);
        result.Multipart.ShouldBeFalse();
        ShouldHaveStored(handle, data);
        clock.Elapsed.ShouldBeLessThan(s_bound);
    }

    [Fact]
    public async Task UploadAsync_AnswerNeverBegins_FirstByteTimeoutRetriesUnderAFreshNumber()
    {
        byte[] data = Data(2 * 5 * MiB, seed: 73);
        string handle = NewHandle("firstbyte");
        Emulator.Faults.Add(FaultRule.DelayResponse(Timeout.InfiniteTimeSpan) with { Operation = EmulatorOperation.UploadPart, PartNumber = 2, DataHandle = handle });
        PartUploadClient client = CreateClient(o =>
        {
            o.Retry.AttemptTimeout = TimeSpan.FromMinutes(5);
            o.Retry.FirstByteTimeout = TimeSpan.FromSeconds(1);
        });

        var clock = Stopwatch.StartNew();
        PartUploadResult result = await client.UploadAsync(WriteFile(data), Options(handle));
        clock.Stop();

        ShouldHaveStored(handle, data);
        ShouldNeverReuseNumbers(handle);
        result.PartNumbers.ShouldBe([1, 3]);
        clock.Elapsed.ShouldBeLessThan(s_bound);
    }
}
