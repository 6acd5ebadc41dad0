using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace PartUploader.Tests.Auth;

/// <summary>What a fake handler saw of one request, copied before the request is disposed.</summary>
internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? Authorization, string? ContentType, string Body)
{
    /// <summary>The parameters of an <c>OAuth k="v", ...</c> header, still percent-encoded.</summary>
    public Dictionary<string, string> OAuthParameters()
    {
        Authorization.ShouldNotBeNull();
        Authorization.ShouldStartWith("OAuth ");
        return Authorization["OAuth ".Length..]
            .Split(',')
            .Select(p => p.Trim().Split('=', 2))
            .ToDictionary(p => p[0], p => p[1].Trim('"'));
    }
}

/// <summary>An HttpMessageHandler that answers from a delegate and records every request.</summary>
internal sealed class FakeHttpHandler : HttpMessageHandler
{
    private readonly Func<RecordedRequest, int, Task<HttpResponseMessage>> _respond;
    private int _count;

    public FakeHttpHandler(Func<RecordedRequest, int, Task<HttpResponseMessage>> respond) => _respond = respond;

    public FakeHttpHandler(Func<RecordedRequest, int, HttpResponseMessage> respond)
        : this((r, i) => Task.FromResult(respond(r, i)))
    {
    }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public int Count => Volatile.Read(ref _count);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        string? auth = request.Headers.TryGetValues("Authorization", out var values) ? string.Join(",", values) : null;
        var recorded = new RecordedRequest(request.Method, request.RequestUri!, auth, request.Content?.Headers.ContentType?.MediaType, body);
        Requests.Enqueue(recorded);
        int index = Interlocked.Increment(ref _count) - 1;
        return await _respond(recorded, index);
    }

    public static HttpResponseMessage Json(HttpStatusCode status, string json)
        => new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
}

/// <summary>A logger that keeps every formatted line and every structured value, at all levels.</summary>
internal sealed class CapturingLogger : ILogger
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var sb = new StringBuilder($"{logLevel} {eventId.Id} {eventId.Name} {formatter(state, exception)}");
        if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
        {
            foreach (var pair in pairs)
            {
                sb.Append(' ').Append(pair.Key).Append('=').Append(pair.Value);
            }
        }

        if (exception is not null)
        {
            sb.Append(' ').Append(exception);
        }

        Lines.Enqueue(sb.ToString());
    }

    public string All => string.Join('\n', Lines);
}

/// <summary>A FakeTimeProvider that reports each timer it creates or re-arms, so tests can advance time exactly when a delay is pending.</summary>
internal sealed class TimerWatchingTimeProvider : FakeTimeProvider, IDisposable
{
    private readonly ConcurrentQueue<TimeSpan> _dueTimes = new();
    private readonly SemaphoreSlim _created = new(0);

    public TimerWatchingTimeProvider(DateTimeOffset start)
        : base(start)
    {
    }

    public IReadOnlyCollection<TimeSpan> DueTimes => _dueTimes;

    public void Dispose() => _created.Dispose();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new WatchedTimer(base.CreateTimer(callback, state, dueTime, period), this);
        Armed(dueTime);
        return timer;
    }

    private void Armed(TimeSpan dueTime)
    {
        _dueTimes.Enqueue(dueTime);
        _created.Release();
    }

    /// <summary>A timer whose re-arming (as <c>CancellationTokenSource.CancelAfter</c> does, for example in Polly's timeout) is reported like a new timer.</summary>
    private sealed class WatchedTimer(ITimer inner, TimerWatchingTimeProvider clock) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            clock.Armed(dueTime);
            return inner.Change(dueTime, period);
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    /// <summary>Waits until a timer with the given due time has been created (back-off delays, not request timeouts).</summary>
    public async Task WaitForTimerAsync(TimeSpan dueTime, int occurrences = 1)
    {
        while (_dueTimes.Count(d => d == dueTime) < occurrences)
        {
            if (!await _created.WaitAsync(TimeSpan.FromSeconds(10)))
            {
                throw new TimeoutException($"No timer of {dueTime} was created.");
            }
        }
    }
}
