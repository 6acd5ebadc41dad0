using Polly.Timeout;

namespace PartUploader.Internal.Transfer;

/// <summary>
/// The watchdog of one attempt's request body: armed when the body starts, re-armed on every write, switched to the
/// first-byte timeout once the body is sent, and stopped when the answer's headers arrive. When it fires, it cancels
/// that attempt only (its own token, linked to the attempt's), so the pipeline retries it under a fresh number long
/// before the attempt timeout.
/// </summary>
/// <remarks>A new instance per attempt; its timer runs on the pipeline's <see cref="TimeProvider"/>.</remarks>
internal sealed class StallWatchdog : IDisposable
{
    private readonly TimeSpan _stallTimeout;
    private readonly TimeSpan? _firstByteTimeout;
    private readonly CancellationTokenSource _cancel;
    private readonly ITimer _timer;
    private int _fired;
    private volatile bool _bodySent;

    public StallWatchdog(TimeProvider time, TimeSpan stallTimeout, TimeSpan? firstByteTimeout, CancellationToken attemptToken)
    {
        _stallTimeout = stallTimeout;
        _firstByteTimeout = firstByteTimeout;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(attemptToken);
        _timer = time.CreateTimer(static state => ((StallWatchdog)state!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Gets the token of the attempt's request: cancelled by the caller, the attempt timeout, or this watchdog.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>Gets a value indicating whether the watchdog abandoned the attempt.</summary>
    public bool Fired => Volatile.Read(ref _fired) == 1;

    /// <summary>Gets a value indicating whether the whole body had been sent when the watchdog fired (a first-byte timeout).</summary>
    public bool AfterBody => _bodySent;

    /// <summary>Gets the span that was exceeded when the watchdog fired.</summary>
    public TimeSpan Exceeded => _bodySent && _firstByteTimeout is TimeSpan firstByte ? firstByte : _stallTimeout;

    /// <summary>The body made progress (or starts): the stall timeout runs again from now.</summary>
    public void Progress() => Change(_stallTimeout);

    /// <summary>The body is sent: from now the first-byte timeout runs, or nothing when it is off.</summary>
    public void BodySent()
    {
        _bodySent = true;
        Change(_firstByteTimeout ?? Timeout.InfiniteTimeSpan);
    }

    /// <summary>The answer's headers arrived: the watchdog stops.</summary>
    public void Stop() => Change(Timeout.InfiniteTimeSpan);

    /// <summary>The exception that makes the pipeline retry an abandoned attempt like an attempt timeout.</summary>
    public TimeoutRejectedException ToException(string operation, Exception inner) => new(
        AfterBody
            ? $"{operation}: no answer began within {Exceeded} after the body was sent; the attempt was abandoned"
            : $"{operation}: the request body made no progress for {Exceeded}; the attempt was abandoned",
        inner);

    public void Dispose()
    {
        _timer.Dispose();
        _cancel.Dispose();
    }

    private void Change(TimeSpan dueTime)
    {
        if (!Fired)
        {
            _timer.Change(dueTime, Timeout.InfiniteTimeSpan);
        }
    }

    private void Fire()
    {
        if (Interlocked.Exchange(ref _fired, 1) == 0)
        {
            try
            {
                _cancel.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The attempt ended as the timer fired.
            }
        }
    }
}
