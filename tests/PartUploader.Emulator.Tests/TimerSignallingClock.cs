using Microsoft.Extensions.Time.Testing;

namespace PartUploader.Emulator.Tests;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that tells when a timer with a given due time is created, so a test knows the
/// emulator is waiting on the clock (a latency or a delayed response) before it advances time: ordering without sleeps.
/// </summary>
internal sealed class TimerSignallingClock : FakeTimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<TimeSpan> _dueTimes = [];
    private readonly List<(TimeSpan Due, int Count, TaskCompletionSource Signal)> _waiters = [];

    public TimerSignallingClock()
        : base(DateTimeOffset.UtcNow)
    {
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ITimer timer = base.CreateTimer(callback, state, dueTime, period);
        lock (_gate)
        {
            _dueTimes.Add(dueTime);
            int created = _dueTimes.Count(d => d == dueTime);
            foreach ((TimeSpan due, int count, TaskCompletionSource signal) waiter in _waiters.Where(w => w.Due == dueTime && w.Count <= created).ToArray())
            {
                _waiters.Remove(waiter);
                waiter.signal.TrySetResult();
            }
        }

        return timer;
    }

    /// <summary>Completes once <paramref name="count"/> timers with this due time have been created; fails after 30 seconds.</summary>
    public async Task WaitForTimerAsync(TimeSpan due, int count = 1)
    {
        Task created;
        lock (_gate)
        {
            if (_dueTimes.Count(d => d == due) >= count)
            {
                return;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((due, count, signal));
            created = signal.Task;
        }

        try
        {
            await created.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            lock (_gate)
            {
                throw new TimeoutException($"Expected {count} timer(s) of {due} on the emulator's clock; created: [{string.Join(", ", _dueTimes)}].");
            }
        }
    }
}
