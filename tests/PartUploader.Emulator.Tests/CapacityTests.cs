using System.Net;

namespace PartUploader.Emulator.Tests;

/// <summary>
/// The capacity switch (<see cref="BlobEmulatorOptions.MaxRequestsInFlight"/>) and <see cref="BlobEmulator.Load"/>. The
/// first part is held in flight deterministically by a <see cref="FaultKind.DelayResponse"/> on the fake clock.
/// </summary>
public sealed class CapacityTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan s_hold = TimeSpan.FromSeconds(9);
    private static readonly byte[] s_part = BlobApi.RandomBytes(64 * 1024, seed: 21);
    private readonly TimerSignallingClock _clock = new();
    private BlobEmulator _sut = null!;
    private BlobApi _api = null!;

    public async Task InitializeAsync()
    {
        _sut = await BlobEmulator.StartAsync(new BlobEmulatorOptions { MinimumPartSize = 1, ProcessingDelay = TimeSpan.Zero, TimeProvider = _clock });
        _api = new BlobApi(_sut);
    }

    public async Task DisposeAsync() => await _sut.DisposeAsync();

    public void Dispose() => _api.Dispose();

    [Theory]
    [InlineData(1000, 1)]
    [InlineData(2500, 3)]
    [InlineData(0, 1)]
    public async Task MaxRequestsInFlight1_SecondConcurrentPart_Gets503WithRetryAfterAndBodyUnread(int retryAfterMs, int expectedSeconds)
    {
        _sut.Options.MaxRequestsInFlight = 1;
        _sut.Options.CapacityRetryAfter = TimeSpan.FromMilliseconds(retryAfterMs);
        Links links = await _api.StartAsync(BlobApi.NewHandle());
        Task<HttpResponseMessage> first = await StartHeldPartAsync(links);

        using HttpResponseMessage second = await _api.UploadPartAsync(links, 2, s_part);

        second.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        second.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(expectedSeconds));
        JournalEntry throttled = await _sut.Journal.WaitForAsync(e => e.PartNumber == 2);
        throttled.StatusCode.ShouldBe(503);
        throttled.FaultApplied.ShouldBe("capacity");
        throttled.BytesReceived.ShouldBe(0);
        _sut.Load.Throttled.ShouldBe(1);
        _sut.Load.InFlight.ShouldBe(1);
        _sut.Uploads.Single().PartNumbersReceived.ShouldBe([1, 2]);

        _clock.Advance(s_hold);
        using HttpResponseMessage firstResponse = await first.WaitAsync(TimeSpan.FromSeconds(30));
        using HttpResponseMessage retried = await _api.UploadPartAsync(links, 2, s_part);

        firstResponse.StatusCode.ShouldBe(HttpStatusCode.OK);
        retried.StatusCode.ShouldBe(HttpStatusCode.OK, "the held response released its slot before it started");
        _sut.Load.Throttled.ShouldBe(1);
        _sut.Load.PeakInFlight.ShouldBe(1);
        _sut.Journal.Entries.Count(e => e.FaultApplied == "capacity").ShouldBe(1);
    }

    [Fact]
    public async Task MaxRequestsInFlightNull_SecondConcurrentPart_SucceedsAndPeakIsTwo()
    {
        Links links = await _api.StartAsync(BlobApi.NewHandle());
        Task<HttpResponseMessage> first = await StartHeldPartAsync(links);

        using HttpResponseMessage second = await _api.UploadPartAsync(links, 2, s_part);
        int inFlightWhileHeld = _sut.Load.InFlight;
        _clock.Advance(s_hold);
        using HttpResponseMessage firstResponse = await first.WaitAsync(TimeSpan.FromSeconds(30));

        second.StatusCode.ShouldBe(HttpStatusCode.OK);
        firstResponse.StatusCode.ShouldBe(HttpStatusCode.OK);
        inFlightWhileHeld.ShouldBe(1, "part 2 released its slot before its response started; part 1 was still held");
        _sut.Load.PeakInFlight.ShouldBe(2);
        _sut.Load.Throttled.ShouldBe(0);
        _sut.Journal.Entries.ShouldNotContain(e => e.FaultApplied == "capacity");
    }

    [Fact]
    public async Task MaxRequestsInFlight1_LookupIsNotCounted()
    {
        _sut.Options.MaxRequestsInFlight = 1;
        Links links = await _api.StartAsync(BlobApi.NewHandle());
        Task<HttpResponseMessage> first = await StartHeldPartAsync(links);

        using HttpRequestMessage lookup = _api.Request(HttpMethod.Get, $"{_sut.LookupUrl}/resources/{_sut.DefaultCatalogHrn}/apis");
        using HttpResponseMessage lookupResponse = await _api.SendAsync(lookup);
        using HttpResponseMessage status = await _api.SendAsync(_api.Request(HttpMethod.Get, links.Status));

        lookupResponse.StatusCode.ShouldBe(HttpStatusCode.OK);
        status.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, "a status read is a blob-service request");
        _clock.Advance(s_hold);
        using HttpResponseMessage firstResponse = await first.WaitAsync(TimeSpan.FromSeconds(30));
        firstResponse.StatusCode.ShouldBe(HttpStatusCode.OK);
        _sut.Load.Throttled.ShouldBe(1);
    }

    [Fact]
    public async Task Reset_ClearsThrottledAndPeak()
    {
        _sut.Options.MaxRequestsInFlight = 1;
        Links links = await _api.StartAsync(BlobApi.NewHandle());
        Task<HttpResponseMessage> first = await StartHeldPartAsync(links);
        using HttpResponseMessage throttled = await _api.UploadPartAsync(links, 2, s_part);
        throttled.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);

        _clock.Advance(s_hold);
        using HttpResponseMessage firstResponse = await first.WaitAsync(TimeSpan.FromSeconds(30));
        _sut.Load.Reset();

        _sut.Load.Throttled.ShouldBe(0);
        _sut.Load.PeakInFlight.ShouldBe(0, "nothing is in flight after the reset");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task StartAsync_MaxRequestsInFlightBelowOne_Throws(int max)
    {
        ArgumentException error = await Should.ThrowAsync<ArgumentException>(() => BlobEmulator.StartAsync(new BlobEmulatorOptions { MaxRequestsInFlight = max }));

        error.Message.ShouldContain("MaxRequestsInFlight");
    }

    /// <summary>Sends part 1 under a DelayResponse hold and returns once the emulator holds it (in flight).</summary>
    private async Task<Task<HttpResponseMessage>> StartHeldPartAsync(Links links)
    {
        _sut.Faults.Add(FaultRule.DelayResponse(s_hold) with { Operation = EmulatorOperation.UploadPart, PartNumber = 1 });
        Task<HttpResponseMessage> first = _api.UploadPartAsync(links, 1, s_part);
        await _clock.WaitForTimerAsync(s_hold);
        first.IsCompleted.ShouldBeFalse();
        return first;
    }
}
