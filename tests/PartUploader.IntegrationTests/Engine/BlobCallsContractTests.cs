using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PartUploader.Internal.Resilience;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace PartUploader.IntegrationTests.Engine;

/// <summary>HEAD, GET and DELETE go through the pipeline: transient answers retried, every attempt bounded, answers read with a cap.</summary>
public sealed class BlobCallsContractTests : IClassFixture<BlobServerFixture>, IDisposable
{
    private const int MiB = 1024 * 1024;
    private readonly BlobApiStub _stub;
    private readonly CountingHandler _transport = new(new SocketsHttpHandler { AllowAutoRedirect = false });
    private readonly HttpClient _http;

    public BlobCallsContractTests(BlobServerFixture fixture)
    {
        fixture.Server.Reset();
        _stub = new BlobApiStub(fixture.Server, fixture.Url);
        _http = new HttpClient(_transport) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public void Dispose() => _http.Dispose();

    public static TheoryData<string> Calls => new() { "Exists", "Download", "Delete" };

    private PartUploadClient CreateSut(Action<PartUploadClientOptions>? configure = null) =>
        new(_http, _stub.Options(configure), AccessTokenSource.FromToken(BlobApiStub.Token));

    private static Task Call(PartUploadClient sut, string call) => call switch
    {
        "Exists" => sut.ExistsAsync(BlobApiStub.Layer, BlobApiStub.Handle),
        "Download" => sut.DownloadToAsync(BlobApiStub.Layer, BlobApiStub.Handle, new MemoryStream()),
        _ => sut.DeleteAsync(BlobApiStub.Layer, BlobApiStub.Handle),
    };

    private static string Method(string call) => call switch { "Exists" => "HEAD", "Download" => "GET", _ => "DELETE" };

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Call_ServiceUnavailableThenOk_IsRetried(string call)
    {
        string method = Method(call);
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.BlobPath).UsingMethod(method)).InScenario(call).WillSetStateTo("up")
            .RespondWith(Response.Create().WithStatusCode(503));
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.BlobPath).UsingMethod(method)).InScenario(call).WhenStateIs("up")
            .RespondWith(Response.Create().WithStatusCode(call == "Delete" ? 202 : 200).WithBody(call == "Download" ? "blob" : string.Empty));
        PartUploadClient sut = CreateSut();

        await Call(sut, call);

        _stub.Requests(method, BlobApiStub.BlobPath).Count.ShouldBe(2);
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Call_ServiceKeepsFailing_ThrowsAfterMaxAttemptsWithStatus(string call)
    {
        string method = Method(call);
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.BlobPath).UsingMethod(method)).RespondWith(Response.Create().WithStatusCode(500));
        PartUploadClient sut = CreateSut(o => o.Retry.MaxAttempts = 3);

        var ex = await Should.ThrowAsync<PartUploadException>(() => Call(sut, call));

        ex.Status.ShouldBe(500);
        ex.DataHandle.ShouldBe(BlobApiStub.Handle);
        _stub.Requests(method, BlobApiStub.BlobPath).Count.ShouldBe(3);
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Call_ServerNeverAnswers_ThrowsClientTimeoutAfterEachAttemptTimedOut(string call)
    {
        using var silent = new SilentServer();
        using var time = new TimerWatchingClock();
        var options = new PartUploadClientOptions { BaseUrl = new Uri(silent.Url + BlobApiStub.CatalogPath) };
        options.Retry.MaxAttempts = 2;
        options.Retry.BaseDelay = TimeSpan.Zero;
        options.Retry.AttemptTimeout = TimeSpan.FromSeconds(7);
        var sut = new PartUploadClient(_http, options, AccessTokenSource.FromToken(BlobApiStub.Token), NullLogger.Instance, time,
            UploadPipeline.Create(options.Retry, time, NullLogger.Instance), "test", lookup: null);

        Task pending = Call(sut, call);
        for (int attempt = 1; attempt <= 2; attempt++)
        {
            await time.WaitForTimerAsync(options.Retry.AttemptTimeout, attempt);
            time.Advance(options.Retry.AttemptTimeout);
        }

        var ex = await Should.ThrowAsync<PartUploadException>(() => pending);

        ex.ErrorCode.ShouldBe(PartUploadErrorCodes.ClientTimeout);
        ex.InnerException.ShouldBeOfType<TimeoutException>();
    }

    [Fact]
    public async Task UploadAsync_StartAnswerOf5MiB_ThrowsMalformedResponseWithoutReadingIt()
    {
        string huge = "{\"links\":{},\"pad\":\"" + new string('x', 5 * MiB) + "\"}";
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.StartPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(huge));
        PartUploadClient sut = CreateSut();
        using var stream = new MemoryStream(BlobApiStub.Data(100));

        var ex = await Should.ThrowAsync<PartUploadException>(() => sut.UploadAsync(stream, BlobApiStub.Upload()));

        ex.ErrorCode.ShouldBe(PartUploadErrorCodes.MalformedResponse);
        _transport.BodyBytesRead.ShouldBeLessThanOrEqualTo(MiB + (16 * 1024));
    }

    [Fact]
    public async Task DeleteAsync_ServiceUnavailableWith5MiBBodyThenAccepted_IsRetried()
    {
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.BlobPath).UsingDelete()).InScenario("big").WillSetStateTo("up")
            .RespondWith(Response.Create().WithStatusCode(503).WithHeader("Content-Type", "application/json").WithBody(new string(' ', 5 * MiB) + "{}"));
        _stub.Server.Given(Request.Create().WithPath(BlobApiStub.BlobPath).UsingDelete()).InScenario("big").WhenStateIs("up")
            .RespondWith(Response.Create().WithStatusCode(202));
        PartUploadClient sut = CreateSut();

        await sut.DeleteAsync(BlobApiStub.Layer, BlobApiStub.Handle);

        _stub.Requests("DELETE", BlobApiStub.BlobPath).Count.ShouldBe(2);
        _transport.BodyBytesRead.ShouldBeLessThanOrEqualTo(MiB + (16 * 1024));
    }

    /// <summary>Counts the response body bytes the client actually read from the transport.</summary>
    private sealed class CountingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private long _read;

        public long BodyBytesRead => Interlocked.Read(ref _read);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
            var counted = new StreamContent(new CountingStream(await response.Content.ReadAsStreamAsync(cancellationToken), n => Interlocked.Add(ref _read, n)));
            foreach (var header in response.Content.Headers)
            {
                counted.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            response.Content = counted;
            return response;
        }
    }

    private sealed class CountingStream(Stream inner, Action<int> onRead) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Counted(await inner.ReadAsync(buffer, cancellationToken));
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private int Counted(int read)
        {
            onRead(read);
            return read;
        }
    }
}

/// <summary>A TCP server on 127.0.0.1 that accepts connections and never answers.</summary>
internal sealed class SilentServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentBag<TcpClient> _clients = [];
    private int _connections;

    public SilentServer()
    {
        _listener.Start();
        _ = AcceptAsync();
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public int Connections => Volatile.Read(ref _connections);

    public void Dispose()
    {
        _listener.Stop();
        foreach (TcpClient client in _clients)
        {
            client.Dispose();
        }
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                TcpClient client = await _listener.AcceptTcpClientAsync();
                _clients.Add(client);
                Interlocked.Increment(ref _connections);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }
}

/// <summary>A FakeTimeProvider that reports each timer it creates or re-arms, so a test advances time only once a timeout is pending.</summary>
internal sealed class TimerWatchingClock() : FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000)), IDisposable
{
    private readonly ConcurrentQueue<TimeSpan> _dueTimes = new();
    private readonly SemaphoreSlim _created = new(0);

    public void Dispose() => _created.Dispose();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new WatchedTimer(base.CreateTimer(callback, state, dueTime, period), this);
        Started(dueTime);
        return timer;
    }

    private void Started(TimeSpan dueTime)
    {
        _dueTimes.Enqueue(dueTime);
        _created.Release();
    }

    /// <summary>Waits until the given number of timers with this due time have been created.</summary>
    public async Task WaitForTimerAsync(TimeSpan dueTime, int occurrences = 1)
    {
        while (_dueTimes.Count(d => d == dueTime) < occurrences)
        {
            if (!await _created.WaitAsync(TimeSpan.FromSeconds(10)))
            {
                throw new TimeoutException($"No timer of {dueTime} was created: {string.Join(",", _dueTimes)}");
            }
        }
    }

    /// <summary>A timer whose re-arming (CancellationTokenSource.CancelAfter) is reported like a new one.</summary>
    private sealed class WatchedTimer(ITimer inner, TimerWatchingClock clock) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            clock.Started(dueTime);
            return inner.Change(dueTime, period);
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
