using Microsoft.Extensions.Time.Testing;
using PartUploader.Internal.Protocol;

namespace PartUploader.Tests.Protocol;

/// <summary>The adaptive window's AIMD arithmetic and shared cooldown, on a fake clock.</summary>
public sealed class RequestWindowTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task OnThrottled_HalvesOncePerRound_AndNotBelowOne()
    {
        using var window = new RequestWindow(16, _time);
        RequestWindow.Lease[] leases = new RequestWindow.Lease[4];
        for (int i = 0; i < leases.Length; i++)
        {
            leases[i] = await window.EnterAsync(CancellationToken.None);
        }

        window.OnThrottled(leases[0], TimeSpan.Zero);
        window.Limit.ShouldBe(8, "the first throttled answer of a round halves the limit");
        window.OnThrottled(leases[1], TimeSpan.Zero);
        window.Limit.ShouldBe(2, "leases[1] was admitted before the decrease: no second halving, but of the 4 sent the service kept 2");
        foreach (RequestWindow.Lease lease in leases)
        {
            lease.Dispose();
        }

        _time.Advance(RequestWindow.MaxDefaultCooldown);
        using (RequestWindow.Lease next = await window.EnterAsync(CancellationToken.None))
        {
            window.OnThrottled(next, null).ShouldBeTrue("within the level that worked: a shared cooldown");
            window.Limit.ShouldBe(1);
        }

        _time.Advance(RequestWindow.MaxDefaultCooldown);
        using RequestWindow.Lease last = await window.EnterAsync(CancellationToken.None);
        window.OnThrottled(last, null);
        window.Limit.ShouldBe(1);
    }

    [Fact]
    public async Task OnThrottled_BurstToAServiceOfCapacityTwo_LeavesALimitOfTwo()
    {
        using var window = new RequestWindow(16, _time);
        var leases = new List<RequestWindow.Lease>();
        for (int i = 0; i < 16; i++)
        {
            leases.Add(await window.EnterAsync(CancellationToken.None));
        }

        // The service kept the first two and refused the other 14.
        foreach (RequestWindow.Lease refused in leases.Skip(2))
        {
            window.OnThrottled(refused, TimeSpan.FromSeconds(1));
            refused.Dispose();
        }

        window.Limit.ShouldBe(2);
        window.InFlight.ShouldBe(2);
    }

    [Fact]
    public async Task OnThrottled_AProbeAboveTheLevelThatWorked_GoesBackToItWithoutASharedCooldown()
    {
        using var window = new RequestWindow(2, _time);
        RequestWindow.Lease a = await window.EnterAsync(CancellationToken.None);
        RequestWindow.Lease b = await window.EnterAsync(CancellationToken.None);
        window.OnThrottled(b, TimeSpan.FromSeconds(5)).ShouldBeTrue();
        b.Dispose();
        window.Limit.ShouldBe(1, "halved");
        _time.Advance(TimeSpan.FromSeconds(5));
        window.OnSuccess(a);
        a.Dispose();
        window.Limit.ShouldBe(2, "one success at a limit of 1 grows it");

        RequestWindow.Lease held = await window.EnterAsync(CancellationToken.None);
        RequestWindow.Lease probe = await window.EnterAsync(CancellationToken.None);
        window.OnThrottled(probe, TimeSpan.FromSeconds(5)).ShouldBeFalse("a probe above the level that worked takes no shared cooldown");
        probe.Dispose();
        window.Limit.ShouldBe(1);

        ValueTask<RequestWindow.Lease> next = window.EnterAsync(CancellationToken.None);
        next.IsCompleted.ShouldBeFalse("the limit is 1 and one request is in flight");
        held.Dispose();
        using RequestWindow.Lease admitted = await next.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        window.InFlight.ShouldBe(1, "admitted as soon as the request within the level ended, with no clock advance");
    }

    [Fact]
    public async Task OnSuccess_GrowsByOneAfterLimitSuccesses_UpToCapacity()
    {
        using var window = new RequestWindow(4, _time);
        using (RequestWindow.Lease first = await window.EnterAsync(CancellationToken.None))
        {
            window.OnThrottled(first, TimeSpan.FromSeconds(1));
        }

        window.Limit.ShouldBe(2);
        window.OnSuccess();
        window.Limit.ShouldBe(2);
        window.OnSuccess();
        window.Limit.ShouldBe(3);
        window.OnSuccess();
        window.OnSuccess();
        window.Limit.ShouldBe(3);
        window.OnSuccess();
        window.Limit.ShouldBe(4);
        for (int i = 0; i < 10; i++)
        {
            window.OnSuccess();
        }

        window.Limit.ShouldBe(4, "never above MaxConcurrency");
    }

    [Fact]
    public async Task EnterAsync_DuringCooldown_WaitsForRetryAfterThenAdmits()
    {
        using var window = new RequestWindow(4, _time);
        using (RequestWindow.Lease first = await window.EnterAsync(CancellationToken.None))
        {
            window.OnThrottled(first, TimeSpan.FromSeconds(3));
        }

        ValueTask<RequestWindow.Lease> waiting = window.EnterAsync(CancellationToken.None);
        waiting.IsCompleted.ShouldBeFalse("no request is admitted during the shared cooldown");
        _time.Advance(TimeSpan.FromSeconds(2));
        waiting.IsCompleted.ShouldBeFalse();
        _time.Advance(TimeSpan.FromSeconds(1));
        using RequestWindow.Lease admitted = await waiting.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        window.InFlight.ShouldBe(1);
    }

    [Fact]
    public async Task EnterAsync_AtTheLimit_WaitsUntilALeaseIsGivenBack()
    {
        using var window = new RequestWindow(1, _time);
        RequestWindow.Lease held = await window.EnterAsync(CancellationToken.None);

        ValueTask<RequestWindow.Lease> waiting = window.EnterAsync(CancellationToken.None);
        waiting.IsCompleted.ShouldBeFalse();
        held.Dispose();
        using RequestWindow.Lease admitted = await waiting.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        window.Peak.ShouldBe(1);
    }

    [Fact]
    public async Task EnterAsync_CancelledWhileWaiting_Throws_AndLeavesNoPlaceTaken()
    {
        using var window = new RequestWindow(1, _time);
        RequestWindow.Lease held = await window.EnterAsync(CancellationToken.None);
        using var cts = new CancellationTokenSource();

        ValueTask<RequestWindow.Lease> waiting = window.EnterAsync(cts.Token);
        await cts.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(waiting.AsTask());
        held.Dispose();
        window.InFlight.ShouldBe(0);
    }

    [Fact]
    public async Task OnThrottled_AgainAtTheSameLimit_SlowsTheNextProbe_UntilAProbeSucceeds()
    {
        using var window = new RequestWindow(4, _time);
        using (RequestWindow.Lease first = await window.EnterAsync(CancellationToken.None))
        {
            window.OnThrottled(first, TimeSpan.Zero);
        }

        window.Limit.ShouldBe(2);
        window.OnSuccess();
        window.OnSuccess();
        window.OnSuccess();
        window.OnSuccess();
        window.OnSuccess();
        window.Limit.ShouldBe(4, "the first probe of 4 takes 'limit' successes, as usual");
        _time.Advance(RequestWindow.DefaultCooldown);

        using (RequestWindow.Lease second = await window.EnterAsync(CancellationToken.None))
        {
            window.OnThrottled(second, TimeSpan.Zero);
        }

        window.Limit.ShouldBe(2, "throttled again at 4");
        window.OnSuccess();
        window.OnSuccess();
        window.Limit.ShouldBe(3, "below the limit last throttled: 'limit' successes");
        for (int i = 0; i < 5; i++)
        {
            window.OnSuccess();
        }

        window.Limit.ShouldBe(3, "the probe of 4 now takes 2 x 3 successes");
        window.OnSuccess();
        window.Limit.ShouldBe(4);
    }

    [Fact]
    public async Task OnThrottled_WithoutRetryAfter_CooldownDoublesPerRoundInARow_AndResetsOnSuccess()
    {
        using var window = new RequestWindow(16, _time);
        TimeSpan[] expected = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)];
        foreach (TimeSpan cooldown in expected)
        {
            using (RequestWindow.Lease lease = await window.EnterAsync(CancellationToken.None))
            {
                window.OnThrottled(lease, null);
            }

            ValueTask<RequestWindow.Lease> waiting = window.EnterAsync(CancellationToken.None);
            _time.Advance(cooldown - TimeSpan.FromMilliseconds(1));
            waiting.IsCompleted.ShouldBeFalse($"the cooldown of this round is {cooldown}");
            _time.Advance(TimeSpan.FromMilliseconds(1));
            (await waiting.AsTask().WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
        }

        window.OnSuccess();
        using (RequestWindow.Lease lease = await window.EnterAsync(CancellationToken.None))
        {
            window.OnThrottled(lease, null);
        }

        ValueTask<RequestWindow.Lease> afterSuccess = window.EnterAsync(CancellationToken.None);
        _time.Advance(RequestWindow.DefaultCooldown);
        (await afterSuccess.AsTask().WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
    }

    [Fact]
    public async Task EnterAsync_AfterTheTimerFiredJustBeforeTheCooldownEnded_IsStillWoken()
    {
        // The clock's timestamps lag its timers by 1 ms: the cooldown timer fires while the cooldown has 1 ms left and
        // nobody waits yet. A request arriving then must get a timer of its own, not wait for the next answer forever.
        var time = new LaggingClock();
        using var window = new RequestWindow(4, time);
        using (RequestWindow.Lease first = await window.EnterAsync(CancellationToken.None))
        {
            window.OnThrottled(first, TimeSpan.FromSeconds(3));
        }

        time.Lag = TimeSpan.FromMilliseconds(1);
        time.Advance(TimeSpan.FromSeconds(3));
        ValueTask<RequestWindow.Lease> waiting = window.EnterAsync(CancellationToken.None);
        waiting.IsCompleted.ShouldBeFalse("1 ms of the cooldown is left by the window's clock");
        time.Advance(TimeSpan.FromMilliseconds(2));
        using RequestWindow.Lease admitted = await waiting.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        window.InFlight.ShouldBe(1);
    }

    /// <summary>A fake clock whose timestamps can run <see cref="Lag"/> behind the time its timers fire at.</summary>
    private sealed class LaggingClock : FakeTimeProvider
    {
        public TimeSpan Lag { get; set; }

        public override long GetTimestamp() => base.GetTimestamp() - (long)(Lag.TotalSeconds * TimestampFrequency);
    }
}
