namespace PartUploader.Internal.Protocol;

/// <summary>
/// The adaptive window of blob-service requests in flight, across every blob that shares it (AIMD).
/// <see cref="BlobEndpointHandler"/> enters it for each request sent and leaves it when the answer has ended (a small
/// body read to its end; a GET download's when its headers arrive).
/// </summary>
/// <remarks>
/// The limit starts at <see cref="Capacity"/>. A throttled answer (429/503) halves it (at least 1) once per round: answers
/// to requests admitted before the last decrease do not halve it again, but each lowers it to the requests of that round
/// the service still holds (16 sent at once to a service that takes 2 leave a limit of 2, not 8). It also sets a shared
/// cooldown (the answer's <c>Retry-After</c>, else <see cref="DefaultCooldown"/> doubling per round throttled in a row)
/// during which no request is admitted. After <c>limit</c> consecutive successes the limit grows by one, up to
/// <see cref="Capacity"/>. A request admitted above the last level that worked is a probe of the service's capacity: when
/// it is throttled the limit goes back to that level without a shared cooldown (the requests within it go on; only the
/// probe's retry waits its <c>Retry-After</c>), and each time the same limit is throttled again the next probe needs twice
/// as many successes (up to <see cref="MaxProbeFactor"/> times <c>limit</c>), so a service that takes only C requests
/// (C = 1 too) is not probed every other request; growing past that limit resets this. Waiters are admitted in arrival
/// order.
/// </remarks>
internal sealed class RequestWindow : IDisposable
{
    /// <summary>The most a probe of the limit last throttled is slowed down: this many times <c>limit</c> successes.</summary>
    public const int MaxProbeFactor = 16;

    /// <summary>The first cooldown after a throttled answer without <c>Retry-After</c>; it doubles with each round throttled in a row, up to <see cref="MaxDefaultCooldown"/>.</summary>
    public static readonly TimeSpan DefaultCooldown = TimeSpan.FromSeconds(1);

    /// <summary>The longest cooldown after a throttled answer without <c>Retry-After</c>.</summary>
    public static readonly TimeSpan MaxDefaultCooldown = TimeSpan.FromSeconds(32);

    /// <summary>Set on a request whose throttled answer the window took as its shared cooldown.</summary>
    private static readonly HttpRequestOptionsKey<bool> CooldownTakenKey = new("PartUploader.WindowCooldownTaken");

    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly LinkedList<TaskCompletionSource<Lease>> _waiters = new();
    private readonly ITimer _cooldownTimer;
    private int _limit;
    private int _inFlight;
    private int _peak;
    private int _successes;
    private long _round;
    private int _throttledAt;
    private int _probeFactor = 1;
    private int _throttledRounds;
    private int _stable;
    private int _survivors;
    private bool _timerArmed;
    private long _cooldownUntil;
    private readonly TimeSpan _maxCooldown;
    private bool _disposed;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="capacity">The most requests in flight, and the starting limit.</param>
    /// <param name="time">The clock of the cooldown; null for the system clock.</param>
    /// <param name="maxCooldown">The longest cooldown (the client's <c>Retry.MaxRetryAfter</c>); null for no cap.</param>
    public RequestWindow(int capacity, TimeProvider? time = null, TimeSpan? maxCooldown = null)
    {
        _maxCooldown = maxCooldown ?? TimeSpan.MaxValue;
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _limit = capacity;
        _time = time ?? TimeProvider.System;
        _cooldownUntil = long.MinValue;
        _cooldownTimer = _time.CreateTimer(static state => ((RequestWindow)state!).OnCooldownTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Gets the clock of the cooldown.</summary>
    public TimeProvider Clock => _time;

    /// <summary>Gets the most requests this window ever lets through at once.</summary>
    public int Capacity { get; }

    /// <summary>Gets the current limit of requests in flight.</summary>
    public int Limit
    {
        get
        {
            lock (_gate)
            {
                return _limit;
            }
        }
    }

    /// <summary>Gets the requests in flight now.</summary>
    public int InFlight
    {
        get
        {
            lock (_gate)
            {
                return _inFlight;
            }
        }
    }

    /// <summary>Gets the most requests that were in flight at the same time.</summary>
    public int Peak => Volatile.Read(ref _peak);

    /// <summary>Gets how many throttled answers the window has seen.</summary>
    public int Throttled { get; private set; }

    /// <summary>Waits for a free place (below the limit, after any cooldown); dispose the result when the answer has arrived.</summary>
    public async ValueTask<Lease> EnterAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource<Lease> waiter;
        LinkedListNode<TaskCompletionSource<Lease>> node;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_waiters.Count == 0 && CanAdmit())
            {
                return Admit();
            }

            waiter = new TaskCompletionSource<Lease>(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _waiters.AddLast(waiter);
            // A timer that fired a little before the cooldown's end (with no one waiting then) is not armed any more.
            ArmIfCoolingDown();
        }

        using (cancellationToken.Register(() =>
        {
            lock (_gate)
            {
                if (node.List is not null)
                {
                    _waiters.Remove(node);
                    waiter.TrySetCanceled(cancellationToken);
                }
            }
        }))
        {
            return await waiter.Task.ConfigureAwait(false);
        }
    }

    /// <summary>True when the window took the throttled answer to <paramref name="request"/> as its shared cooldown.</summary>
    public static bool CooldownTaken(HttpRequestMessage? request) =>
        request is not null && request.Options.TryGetValue(CooldownTakenKey, out bool taken) && taken;

    /// <summary>
    /// The answer (<paramref name="response"/>) to <paramref name="request"/>, admitted under <paramref name="lease"/>, was
    /// 429 or 503 (see <see cref="OnThrottled(Lease, TimeSpan?)"/>). When the window took the answer as its shared cooldown
    /// the request is marked (<see cref="CooldownTaken"/>): its retry waits in the window, so the retry strategy must not
    /// wait a second time.
    /// </summary>
    public void OnThrottled(Lease lease, TimeSpan? retryAfter, HttpRequestMessage request, HttpResponseMessage response)
    {
        if (OnThrottled(lease, retryAfter))
        {
            // Both: a handler below may have sent (and the answer name) a copy of the request the caller sees.
            request.Options.Set(CooldownTakenKey, true);
            response.RequestMessage?.Options.Set(CooldownTakenKey, true);
        }
    }

    /// <summary>
    /// The answer to a request admitted under <paramref name="lease"/> was 429 or 503. A probe (a request above the last
    /// level that worked) only puts the limit back to that level: the service is at its capacity, the requests within it
    /// go on, and only the probe's retry waits. Any other throttled answer halves the limit once per round, lowers it to
    /// the requests the service kept of those sent before the decrease, and pauses every new send (a shared cooldown).
    /// </summary>
    /// <returns>True when the window took a shared cooldown (the retry waits in the window); false for a probe.</returns>
    public bool OnThrottled(Lease lease, TimeSpan? retryAfter)
    {
        lock (_gate)
        {
            Throttled++;
            _successes = 0;
            if (lease.Round == _round && _stable > 0 && lease.Position > _stable && _limit > _stable)
            {
                NoteThrottledAt();
                _limit = _stable;
                return false;
            }

            if (lease.Round == _round)
            {
                NoteThrottledAt();
                _limit = Math.Max(1, _limit / 2);
                _survivors = _inFlight - 1;
                _round++;
                _throttledRounds++;
            }
            else if (lease.Round == _round - 1 && _survivors > 0)
            {
                // Another answer to a request sent before the decrease: the service kept fewer than were in flight then.
                _survivors--;
                _limit = Math.Max(1, Math.Min(_limit, _survivors));
            }

            _stable = _limit;
            StartCooldown(retryAfter is TimeSpan asked && asked > TimeSpan.Zero ? asked : DefaultCooldownAfter(_throttledRounds));
            return true;
        }
    }

    /// <summary>The answer to a request admitted under <paramref name="lease"/> was not throttled: the service took that many at once.</summary>
    public void OnSuccess(Lease lease)
    {
        lock (_gate)
        {
            if (lease.Position > _stable && lease.Position <= _limit)
            {
                _stable = lease.Position;
            }
        }

        OnSuccess();
    }

    /// <summary>The answer was not throttled: after <c>limit</c> consecutive ones the limit grows by one.</summary>
    public void OnSuccess()
    {
        lock (_gate)
        {
            _throttledRounds = 0;
            // Growing back to the limit last throttled (a probe) takes _probeFactor times as many successes.
            int needed = _limit + 1 >= _throttledAt ? _limit * _probeFactor : _limit;
            if (_limit < Capacity && ++_successes >= needed)
            {
                _limit++;
                _successes = 0;
                if (_limit > _throttledAt)
                {
                    _probeFactor = 1;
                }
            }
        }

        Pump();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _cooldownTimer.Dispose();
        }
    }

    /// <summary>Under the lock: throttled again at the same limit as last time, probing that limit waits twice as long next time.</summary>
    private void NoteThrottledAt()
    {
        _probeFactor = _limit == _throttledAt ? Math.Min(_probeFactor * 2, MaxProbeFactor) : 1;
        _throttledAt = _limit;
    }

    /// <summary>Under the lock: no request is admitted for <paramref name="wait"/> (capped), unless a longer cooldown runs.</summary>
    private void StartCooldown(TimeSpan wait)
    {
        wait = wait > _maxCooldown ? _maxCooldown : wait;
        if (wait <= TimeSpan.Zero)
        {
            return;
        }

        long until = _time.GetTimestamp() + (long)(wait.TotalSeconds * _time.TimestampFrequency);
        if (until > _cooldownUntil)
        {
            _cooldownUntil = until;
            _cooldownTimer.Change(wait, Timeout.InfiniteTimeSpan);
            _timerArmed = true;
        }
    }

    /// <summary>The cooldown without <c>Retry-After</c> after <paramref name="rounds"/> rounds throttled in a row: 1 s doubling, up to 32 s.</summary>
    private static TimeSpan DefaultCooldownAfter(int rounds)
    {
        TimeSpan wait = DefaultCooldown * Math.Pow(2, Math.Clamp(rounds - 1, 0, 5));
        return wait > MaxDefaultCooldown ? MaxDefaultCooldown : wait;
    }

    private bool CanAdmit() => _inFlight < _limit && _time.GetTimestamp() >= _cooldownUntil;

    private Lease Admit()
    {
        int now = ++_inFlight;
        if (now > _peak)
        {
            Volatile.Write(ref _peak, now);
        }

        return new Lease(this, _round, now);
    }

    private void OnCooldownTimer()
    {
        lock (_gate)
        {
            _timerArmed = false;
        }

        Pump();
    }

    private void Pump()
    {
        lock (_gate)
        {
            while (_waiters.First is { } first && CanAdmit())
            {
                _waiters.RemoveFirst();
                first.Value.TrySetResult(Admit());
            }

            // Woken a little early: wait out the rest of the cooldown.
            ArmIfCoolingDown();
        }
    }

    /// <summary>Under the lock: when requests wait for a cooldown that has not ended and no timer will wake them, arms one for the rest.</summary>
    private void ArmIfCoolingDown()
    {
        long now = _time.GetTimestamp();
        if (_waiters.Count > 0 && now < _cooldownUntil && !_disposed && !_timerArmed)
        {
            _cooldownTimer.Change(TimeSpan.FromSeconds((double)(_cooldownUntil - now) / _time.TimestampFrequency), Timeout.InfiniteTimeSpan);
            _timerArmed = true;
        }
    }

    private void Leave()
    {
        lock (_gate)
        {
            _inFlight--;
        }

        Pump();
    }

    /// <summary>One place in the window, given back once.</summary>
    internal sealed class Lease(RequestWindow owner, long round, int position) : IDisposable
    {
        private int _left;

        /// <summary>Gets the window's round (count of decreases) when this request was admitted.</summary>
        public long Round { get; } = round;

        /// <summary>Gets how many requests were in flight with this one when it was admitted (itself included).</summary>
        public int Position { get; } = position;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0)
            {
                owner.Leave();
            }
        }
    }
}
