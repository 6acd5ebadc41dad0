using System.Net;

namespace PartUploader.Emulator.Tests;

/// <summary><see cref="FaultKind.StallBody"/>: the server stops reading a body halfway, on the emulator's fake clock.</summary>
public sealed class StallTests : IAsyncLifetime, IDisposable
{
    private const int StallAfter = 10_000;
    private static readonly TimeSpan s_stall = TimeSpan.FromSeconds(7);
    private static readonly byte[] s_part = BlobApi.RandomBytes(64 * 1024, seed: 31);
    private readonly TimerSignallingClock _clock = new();
    private readonly TaskCompletionSource<long> _stalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private BlobEmulator _sut = null!;
    private BlobApi _api = null!;

    public async Task InitializeAsync()
    {
        _sut = await BlobEmulator.StartAsync(new BlobEmulatorOptions { MinimumPartSize = 1, ProcessingDelay = TimeSpan.Zero, TimeProvider = _clock });
        _sut.BodyStalled += bytes => _stalled.TrySetResult(bytes);
        _api = new BlobApi(_sut);
    }

    public async Task DisposeAsync() => await _sut.DisposeAsync();

    public void Dispose() => _api.Dispose();

    [Fact]
    public async Task StallBody_Finite_PartCompletesOnlyAfterTheClockAdvances()
    {
        FaultRule rule = _sut.Faults.Add(FaultRule.StallBody(StallAfter, s_stall) with { Operation = EmulatorOperation.UploadPart });
        string handle = BlobApi.NewHandle();
        Links links = await _api.StartAsync(handle);

        Task<HttpResponseMessage> upload = _api.UploadPartAsync(links, 1, s_part);
        long readWhenStalled = await _stalled.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await _clock.WaitForTimerAsync(s_stall);
        _clock.Advance(s_stall - TimeSpan.FromMilliseconds(1));
        bool answeredEarly = upload.IsCompleted;
        bool journaledEarly = _sut.Journal.Entries.Any(e => e.Operation == EmulatorOperation.UploadPart);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        using HttpResponseMessage response = await upload.WaitAsync(TimeSpan.FromSeconds(30));

        readWhenStalled.ShouldBe(StallAfter);
        answeredEarly.ShouldBeFalse("the body may not be read on before the stall has passed on the emulator's clock");
        journaledEarly.ShouldBeFalse();
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        rule.Fired.ShouldBe(1);
        JournalEntry entry = await _sut.Journal.WaitForAsync(e => e.Operation == EmulatorOperation.UploadPart);
        entry.StatusCode.ShouldBe(200);
        entry.BytesReceived.ShouldBe(s_part.Length);
        entry.FaultApplied.ShouldBe("StallBody");
        using HttpResponseMessage complete = await _api.CompleteAsync(links, (1, response.Headers.ETag!.ToString()));
        complete.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        using Stream stored = _sut.OpenBlob(_sut.DefaultLayerId, handle)!;
        using MemoryStream copy = new();
        await stored.CopyToAsync(copy);
        copy.ToArray().ShouldBe(s_part);
    }

    [Fact]
    public async Task StallBody_Infinite_ClientCancelLeavesNoPartAndJournalsStatus0()
    {
        _sut.Faults.Add(FaultRule.StallBody(StallAfter, Timeout.InfiniteTimeSpan) with { Operation = EmulatorOperation.UploadPart });
        Links links = await _api.StartAsync(BlobApi.NewHandle());
        using HttpRequestMessage request = _api.Request(HttpMethod.Post, links.UploadPart + "?partNumber=1", BlobApi.Bytes(s_part));
        using CancellationTokenSource giveUp = new();

        Task<HttpResponseMessage> upload = _api.Http.SendAsync(request, giveUp.Token);
        long readWhenStalled = await _stalled.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await giveUp.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => upload);
        readWhenStalled.ShouldBe(StallAfter);
        JournalEntry entry = await _sut.Journal.WaitForAsync(e => e.Operation == EmulatorOperation.UploadPart);
        entry.StatusCode.ShouldBe(0);
        entry.BytesReceived.ShouldBe(StallAfter);
        entry.FaultApplied.ShouldBe("StallBody");
        Directory.EnumerateFiles(_sut.DataDirectory, "*.part", SearchOption.AllDirectories).ShouldBeEmpty();
        _sut.Load.InFlight.ShouldBe(0);
        using HttpResponseMessage complete = await _api.CompleteAsync(links, (1, "\"x\""));
        complete.StatusCode.ShouldBe(HttpStatusCode.BadRequest, "the stalled part was never stored");
    }

    [Fact]
    public async Task StallBody_ZeroBytes_StallsBeforeTheFirstByte()
    {
        _sut.Faults.Add(FaultRule.StallBody(0, s_stall) with { Operation = EmulatorOperation.PutBlob });
        string handle = BlobApi.NewHandle();

        Task<HttpResponseMessage> put = _api.PutBlobAsync(handle, s_part);
        long readWhenStalled = await _stalled.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await _clock.WaitForTimerAsync(s_stall);
        bool answeredEarly = put.IsCompleted;
        _clock.Advance(s_stall);
        using HttpResponseMessage response = await put.WaitAsync(TimeSpan.FromSeconds(30));

        readWhenStalled.ShouldBe(0);
        answeredEarly.ShouldBeFalse();
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        _sut.GetBlob(_sut.DefaultLayerId, handle)!.Length.ShouldBe(s_part.Length);
    }

    [Fact]
    public void Add_NegativeDelay_Throws()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => _sut.Faults.Add(FaultRule.StallBody(1, TimeSpan.FromSeconds(-2))));

        _sut.Faults.Rules.ShouldBeEmpty();
    }
}
