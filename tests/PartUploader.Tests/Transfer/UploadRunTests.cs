using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PartUploader.Internal.Transfer;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace PartUploader.Tests.Transfer;

/// <summary>One WireMock server on 127.0.0.1 with an OS-assigned port for the engine flow tests.</summary>
public sealed class EngineServerFixture : IDisposable
{
    public EngineServerFixture()
    {
        // Port 0: the OS picks the port when the server binds it, and the server reports it back (no probe, no race).
        Server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
        Url = Server.Urls.ShouldHaveSingleItem().TrimEnd('/');
        new Uri(Url).Host.ShouldBe("127.0.0.1");
        new Uri(Url).Port.ShouldBeGreaterThan(0);
    }

    public WireMockServer Server { get; }

    /// <summary>Gets the address the server listens on, with the port the OS assigned.</summary>
    public string Url { get; }

    public void Dispose() => Server.Stop();
}

/// <summary>The engine through the internal constructor: retry timing under a fake clock, buffers and concurrency.</summary>
[Collection(SegmentCacheUsers.Name)]
public sealed class UploadRunTests : IClassFixture<EngineServerFixture>, IDisposable
{
    private const int MiB = 1024 * 1024;
    private const string Catalog = "/blobstore/v1/catalogs/cat";
    private const string Start = Catalog + "/layers/L/data/H/multiparts";
    private const string Upload = Start + "/TOK";
    private const string Parts = Upload + "/parts";

    private readonly WireMockServer _server;
    private readonly string _url;
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly SignallingTimeProvider _time = new();

    public UploadRunTests(EngineServerFixture fixture)
    {
        _server = fixture.Server;
        _url = fixture.Url;
        _server.Reset();
        string links = $$"""
            {"links":{
              "uploadPart":{"href":"{{_url}}{{Parts}}","method":"POST"},
              "complete":{"href":"{{_url}}{{Upload}}","method":"PUT"},
              "status":{"href":"{{_url}}{{Upload}}","method":"GET"},
              "delete":{"href":"{{_url}}{{Upload}}","method":"DELETE"} } }
            """;
        _server.Given(Request.Create().WithPath(Start).UsingPost()).AtPriority(10).RespondWith(Response.Create().WithStatusCode(200).WithBody(links));
        _server.Given(Request.Create().WithPath(Parts).UsingPost()).AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("ETag", "\"e{{request.query.partNumber}}\"").WithTransformer());
        _server.Given(Request.Create().WithPath(Upload).UsingPut()).AtPriority(10).RespondWith(Response.Create().WithStatusCode(204));
        _server.Given(Request.Create().WithPath(Upload).UsingGet()).AtPriority(10).RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"status":"completed"}"""));
        _server.Given(Request.Create().WithPath(Upload).UsingDelete()).AtPriority(10).RespondWith(Response.Create().WithStatusCode(204));
    }

    public void Dispose() => _http.Dispose();

    private PartUploadClient CreateSut(Action<PartUploadClientOptions>? configure = null, TransferDiagnostics? diagnostics = null, HttpClient? http = null)
    {
        var options = new PartUploadClientOptions
        {
            BaseUrl = new Uri(_url + Catalog),
            PartSize = 5L * MiB,
            MaxConcurrency = 2,
            MaxBufferedBytes = 32L * MiB,
            SingleShotThreshold = MiB,
            VerifyRetriedParts = false,
        };
        options.Retry.BaseDelay = TimeSpan.Zero;
        configure?.Invoke(options);
        return new PartUploadClient(http ?? _http, options, AccessTokenSource.FromToken("tok"), NullLogger.Instance, _time, pipeline: null, "test", lookup: null)
        {
            Diagnostics = diagnostics,
        };
    }

    private static PartUploadOptions UploadOptions(IProgress<UploadProgress>? progress = null) =>
        new() { LayerId = "L", DataHandle = "H", ForceMultipart = true, Progress = progress };

    private static async Task<PartUploadResult> UploadAsync(PartUploadClient sut, int length, PartUploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        byte[] data = new byte[length];
        new Random(length).NextBytes(data);
        using var stream = new MemoryStream(data);
        return await sut.UploadAsync(stream, options ?? UploadOptions(), cancellationToken);
    }

    private void StubPart(int number, int status, string? retryAfter = null)
    {
        IResponseBuilder response = Response.Create().WithStatusCode(status);
        if (retryAfter is not null)
        {
            response = response.WithHeader("Retry-After", retryAfter);
        }

        _server.Given(Request.Create().WithPath(Parts).WithParam("partNumber", number.ToString(System.Globalization.CultureInfo.InvariantCulture)).UsingPost())
            .AtPriority(1).RespondWith(response);
    }

    private int[] PartNumbersSent() =>
        _server.LogEntries.Where(e => e.RequestMessage.Path == Parts).Select(e => int.Parse(e.RequestMessage.Query!["partNumber"][0], System.Globalization.CultureInfo.InvariantCulture)).Order().ToArray();

    [Fact]
    public async Task UploadAsync_Part429RetryAfter17s_RetriesOnlyAfterClockAdvances()
    {
        StubPart(1, 429, retryAfter: "17");
        PartUploadClient sut = CreateSut();

        Task<PartUploadResult> upload = UploadAsync(sut, 1000);
        await _time.WaitForTimerAsync(TimeSpan.FromSeconds(17)).WaitAsync(TimeSpan.FromSeconds(20));
        int[] beforeAdvance = PartNumbersSent();
        _time.Advance(TimeSpan.FromSeconds(17));
        PartUploadResult result = await upload.WaitAsync(TimeSpan.FromSeconds(20));

        beforeAdvance.ShouldBe([1]);
        result.PartNumbers.ShouldBe([2]);
        PartNumbersSent().ShouldBe([1, 2]);
    }

    [Fact]
    public async Task UploadAsync_RetryAfterAboveMax_CappedToMaxRetryAfter()
    {
        StubPart(1, 503, retryAfter: "3600");
        PartUploadClient sut = CreateSut(o => o.Retry.MaxRetryAfter = TimeSpan.FromSeconds(45));

        Task<PartUploadResult> upload = UploadAsync(sut, 1000);
        await _time.WaitForTimerAsync(TimeSpan.FromSeconds(45)).WaitAsync(TimeSpan.FromSeconds(20));
        _time.Advance(TimeSpan.FromSeconds(45));
        PartUploadResult result = await upload.WaitAsync(TimeSpan.FromSeconds(20));

        result.Retries.ShouldBe(1);
        _time.DueTimes.ShouldNotContain(TimeSpan.FromSeconds(3600));
    }

    [Fact]
    public async Task UploadAsync_Start429RetryAfter_WaitsBeforeRetryingStart()
    {
        _server.Given(Request.Create().WithPath(Start).UsingPost()).AtPriority(1).InScenario("start").WillSetStateTo("ok")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "19"));
        PartUploadClient sut = CreateSut();

        Task<PartUploadResult> upload = UploadAsync(sut, 1000);
        await _time.WaitForTimerAsync(TimeSpan.FromSeconds(19)).WaitAsync(TimeSpan.FromSeconds(20));
        int startsBeforeAdvance = _server.LogEntries.Count(e => e.RequestMessage.Path == Start);
        _time.Advance(TimeSpan.FromSeconds(19));
        await upload.WaitAsync(TimeSpan.FromSeconds(20));

        startsBeforeAdvance.ShouldBe(1);
        _server.LogEntries.Count(e => e.RequestMessage.Path == Start).ShouldBe(2);
    }

    [Fact]
    public async Task UploadAsync_Complete503RetryAfter_WaitsBeforeRetryingComplete()
    {
        _server.Given(Request.Create().WithPath(Upload).UsingPut()).AtPriority(1).InScenario("complete").WillSetStateTo("ok")
            .RespondWith(Response.Create().WithStatusCode(503).WithHeader("Retry-After", "23"));
        PartUploadClient sut = CreateSut();

        Task<PartUploadResult> upload = UploadAsync(sut, 1000);
        await _time.WaitForTimerAsync(TimeSpan.FromSeconds(23)).WaitAsync(TimeSpan.FromSeconds(20));
        // One wait of the asked 23 s (the request window's shared cooldown; the retry strategy adds none): until the
        // clock moves, the complete call is not sent again.
        upload.IsCompleted.ShouldBeFalse();
        _server.LogEntries.Count(e => e.RequestMessage.Method == "PUT").ShouldBe(1);
        _time.Advance(TimeSpan.FromSeconds(23));
        await upload.WaitAsync(TimeSpan.FromSeconds(20));

        _server.LogEntries.Count(e => e.RequestMessage.Method == "PUT").ShouldBe(2);
        _time.DueTimes.Count(d => d == TimeSpan.FromSeconds(23)).ShouldBe(1, "the asked wait is waited once, not by the window and the retry strategy both");
    }

    [Fact]
    public async Task UploadAsync_Success_PeakInFlightWithinMaxConcurrencyAndBuffersReturned()
    {
        // 4 parts, MaxConcurrency 3: the gate holds every part request until 3 are in flight at once, so the upload
        // only finishes if parts overlap; a fourth concurrent part would show in the peak.
        const int MaxConcurrency = 3;
        var diagnostics = new TransferDiagnostics();
        using var gate = new PartGateHandler(Parts, releaseAt: MaxConcurrency);
        using var http = new HttpClient(gate) { Timeout = Timeout.InfiniteTimeSpan };
        PartUploadClient sut = CreateSut(o => o.MaxConcurrency = MaxConcurrency, diagnostics, http);
        using var cts = new CancellationTokenSource();

        Task<PartUploadResult> upload = UploadAsync(sut, (15 * MiB) + 1, cancellationToken: cts.Token);
        try
        {
            await gate.Released.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            await cts.CancelAsync();
            await Record.ExceptionAsync(() => upload);
            throw new ShouldAssertException($"{MaxConcurrency} parts were never in flight at once (peak {gate.Peak}): the engine did not upload parts concurrently.");
        }

        PartUploadResult result = await upload.WaitAsync(TimeSpan.FromSeconds(30));

        result.PartCount.ShouldBe(4);
        gate.Requests.ShouldBe(4);
        gate.Peak.ShouldBe(MaxConcurrency);
        diagnostics.PeakInFlight.ShouldBe(MaxConcurrency);
        diagnostics.Pool!.Outstanding.ShouldBe(0);
        diagnostics.Pool.PeakBytes.ShouldBeLessThanOrEqualTo(32L * MiB);
    }

    [Fact]
    public async Task UploadAsync_PartFails_BuffersReturned()
    {
        StubPart(2, 500);
        var diagnostics = new TransferDiagnostics();
        PartUploadClient sut = CreateSut(o => o.Retry.MaxAttempts = 1, diagnostics);

        await Should.ThrowAsync<PartUploadException>(() => UploadAsync(sut, (15 * MiB) + 1));

        diagnostics.Pool!.Outstanding.ShouldBe(0);
    }

    [Fact]
    public async Task UploadAsync_Cancelled_BuffersReturned()
    {
        var diagnostics = new TransferDiagnostics();
        PartUploadClient sut = CreateSut(diagnostics: diagnostics);
        using var cts = new CancellationTokenSource();

        Exception? ex = await Record.ExceptionAsync(() => UploadAsync(sut, (15 * MiB) + 1, UploadOptions(new CancelOnReport(cts)), cts.Token));

        ex.ShouldBeAssignableTo<OperationCanceledException>();
        diagnostics.Pool!.Outstanding.ShouldBe(0);
    }

    [Fact]
    public async Task UploadAsync_Progress_MonotonicAndEndsAtTotal()
    {
        var progress = new RecordingProgress();
        PartUploadClient sut = CreateSut();

        await UploadAsync(sut, (10 * MiB) + 5, UploadOptions(progress));

        progress.Reports.ShouldNotBeEmpty();
        progress.Reports.Zip(progress.Reports.Skip(1)).ShouldAllBe(p => p.Second.BytesSent >= p.First.BytesSent && p.Second.BytesAcknowledged >= p.First.BytesAcknowledged);
        progress.Reports[^1].BytesAcknowledged.ShouldBe((10 * MiB) + 5);
        progress.Reports[^1].TotalBytes.ShouldBe((10 * MiB) + 5);
        progress.Reports.ShouldAllBe(r => r.BytesSent <= (10 * MiB) + 5);
    }

    private void StubStatusAlways(string status) =>
        _server.Given(Request.Create().WithPath(Upload).UsingGet()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithBody($$"""{"status":"{{status}}"}"""));

    [Fact]
    public async Task UploadAsync_StatusStaysProcessing_ThrowsCompletionTimeoutAndCancels()
    {
        StubStatusAlways("processing");
        PartUploadClient sut = CreateSut(o => o.CompletionTimeout = TimeSpan.FromSeconds(1));

        Task<PartUploadResult> upload = UploadAsync(sut, 1000);
        await _time.WaitForTimerAsync(TimeSpan.FromMilliseconds(50)).WaitAsync(TimeSpan.FromSeconds(20));
        _time.Advance(TimeSpan.FromSeconds(2));
        var ex = await Should.ThrowAsync<PartUploadException>(upload.WaitAsync(TimeSpan.FromSeconds(20)));

        ex.ErrorCode.ShouldBe("CompletionTimeout");
        _server.LogEntries.Count(e => e.RequestMessage.Method == "GET" && e.RequestMessage.Path == Upload).ShouldBe(2);
        _server.LogEntries.Count(e => e.RequestMessage.Method == "DELETE").ShouldBe(1);
    }

    [Fact]
    public async Task UploadAsync_StatusProcessing_PollsWithDoublingDelays()
    {
        _server.Given(Request.Create().WithPath(Upload).UsingGet()).AtPriority(1).InScenario("poll").WillSetStateTo("2")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"status":"processing"}"""));
        _server.Given(Request.Create().WithPath(Upload).UsingGet()).AtPriority(1).InScenario("poll").WhenStateIs("2").WillSetStateTo("3")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"status":"processing"}"""));
        _server.Given(Request.Create().WithPath(Upload).UsingGet()).AtPriority(1).InScenario("poll").WhenStateIs("3").WillSetStateTo("4")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"status":"processing"}"""));
        PartUploadClient sut = CreateSut();

        Task<PartUploadResult> upload = UploadAsync(sut, 1000);
        foreach (int ms in new[] { 50, 100, 200 })
        {
            await _time.WaitForTimerAsync(TimeSpan.FromMilliseconds(ms)).WaitAsync(TimeSpan.FromSeconds(20));
            _time.Advance(TimeSpan.FromMilliseconds(ms));
        }

        await upload.WaitAsync(TimeSpan.FromSeconds(20));
        _server.LogEntries.Count(e => e.RequestMessage.Method == "GET" && e.RequestMessage.Path == Upload).ShouldBe(4);
    }

    [Fact]
    public async Task UploadAsync_PartAttemptTimesOut_RetriedUnderFreshNumber()
    {
        _server.Given(Request.Create().WithPath(Parts).WithParam("partNumber", "1").UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("ETag", "\"late\"").WithDelay(TimeSpan.FromSeconds(5)));
        TimeSpan attemptTimeout = TimeSpan.FromMinutes(7);
        PartUploadClient sut = CreateSut(o => o.Retry.AttemptTimeout = attemptTimeout);

        Task<PartUploadResult> upload = UploadAsync(sut, 1000);
        await _time.WaitForTimerAsync(attemptTimeout, count: 2).WaitAsync(TimeSpan.FromSeconds(20));
        _time.Advance(attemptTimeout);
        PartUploadResult result = await upload.WaitAsync(TimeSpan.FromSeconds(20));

        result.PartNumbers.ShouldBe([2]);
        result.Retries.ShouldBe(1);
    }

    [Fact]
    public async Task UploadAsync_CancelCallHangs_BoundedByCancelTimeoutAndOriginalErrorSurfaces()
    {
        StubPart(1, 404);
        _server.Given(Request.Create().WithPath(Upload).UsingDelete()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(204).WithDelay(TimeSpan.FromSeconds(5)));
        TimeSpan cancelTimeout = TimeSpan.FromMinutes(3);
        PartUploadClient sut = CreateSut(o => o.CancelTimeout = cancelTimeout);

        Task<PartUploadResult> upload = UploadAsync(sut, 1000);
        await _time.WaitForTimerAsync(cancelTimeout).WaitAsync(TimeSpan.FromSeconds(20));
        _time.Advance(cancelTimeout);
        var ex = await Should.ThrowAsync<UploadNotFoundException>(upload.WaitAsync(TimeSpan.FromSeconds(20)));

        ex.Data.Contains("PartUploader.CancelError").ShouldBeTrue();
    }

    private sealed class CancelOnReport(CancellationTokenSource cts) : IProgress<UploadProgress>
    {
        public void Report(UploadProgress value) => cts.Cancel();
    }

    private sealed class RecordingProgress : IProgress<UploadProgress>
    {
        private readonly object _gate = new();
        private readonly List<UploadProgress> _reports = [];

        public IReadOnlyList<UploadProgress> Reports
        {
            get
            {
                lock (_gate)
                {
                    return _reports.ToArray();
                }
            }
        }

        public void Report(UploadProgress value)
        {
            lock (_gate)
            {
                _reports.Add(value);
            }
        }
    }
}

/// <summary>
/// Forwards every request to the server, but holds part uploads until <c>releaseAt</c> of them are in flight at once;
/// records the peak number of part requests in flight.
/// </summary>
internal sealed class PartGateHandler(string partsPath, int releaseAt) : DelegatingHandler(new SocketsHttpHandler())
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inFlight;
    private int _peak;
    private int _requests;

    /// <summary>Gets a task that completes when <c>releaseAt</c> part requests were in flight at once.</summary>
    public Task Released => _released.Task;

    public int Peak => Volatile.Read(ref _peak);

    public int Requests => Volatile.Read(ref _requests);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri!.AbsolutePath != partsPath)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        Interlocked.Increment(ref _requests);
        int now = Interlocked.Increment(ref _inFlight);
        int peak;
        while (now > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, peak) != peak)
        {
        }

        try
        {
            if (now >= releaseAt)
            {
                _released.TrySetResult();
            }

            await Released.WaitAsync(cancellationToken);
            return await base.SendAsync(request, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}

/// <summary>A fake clock that tells when a timer with a given due time is created (a retry delay starts): ordering without sleeps.</summary>
internal sealed class SignallingTimeProvider : TimeProvider
{
    private readonly FakeTimeProvider _inner = new();
    private readonly object _gate = new();
    private readonly List<TimeSpan> _dueTimes = [];
    private readonly List<(TimeSpan Due, int Count, TaskCompletionSource Signal)> _waiters = [];

    public IReadOnlyList<TimeSpan> DueTimes
    {
        get
        {
            lock (_gate)
            {
                return _dueTimes.ToArray();
            }
        }
    }

    public override DateTimeOffset GetUtcNow() => _inner.GetUtcNow();

    public override long GetTimestamp() => _inner.GetTimestamp();

    public override long TimestampFrequency => _inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => _inner.LocalTimeZone;

    public void Advance(TimeSpan delta) => _inner.Advance(delta);

    /// <summary>Completes once <paramref name="count"/> timers with this due time have been created.</summary>
    public Task WaitForTimerAsync(TimeSpan due, int count = 1)
    {
        lock (_gate)
        {
            if (_dueTimes.Count(d => d == due) >= count)
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((due, count, signal));
            return signal.Task;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ITimer timer = _inner.CreateTimer(callback, state, dueTime, period);
        Record(dueTime);
        return new RecordingTimer(timer, this);
    }

    private void Record(TimeSpan dueTime)
    {
        if (dueTime == Timeout.InfiniteTimeSpan)
        {
            return;
        }

        lock (_gate)
        {
            _dueTimes.Add(dueTime);
            int created = _dueTimes.Count(d => d == dueTime);
            foreach ((TimeSpan due, int count, TaskCompletionSource signal) in _waiters.Where(w => w.Due == dueTime && w.Count <= created).ToArray())
            {
                signal.TrySetResult();
            }
        }
    }

    /// <summary>Task.Delay and CancellationTokenSource create their timer disarmed, then arm it with Change.</summary>
    private sealed class RecordingTimer(ITimer inner, SignallingTimeProvider owner) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            bool changed = inner.Change(dueTime, period);
            owner.Record(dueTime);
            return changed;
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
