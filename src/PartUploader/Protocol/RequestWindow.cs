namespace PartUploader.Internal.Protocol;

/// <summary>
/// The window of blob-service requests in flight: at most <see cref="Capacity"/> at once, across every blob that shares
/// it. <see cref="BlobEndpointHandler"/> enters it for each request sent and leaves it when the answer's headers arrive.
/// </summary>
internal sealed class RequestWindow(int capacity) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(capacity, capacity);
    private int _inFlight;
    private int _peak;

    /// <summary>Gets the most requests this window lets through at once.</summary>
    public int Capacity { get; } = capacity;

    /// <summary>Gets the most requests that were in flight at the same time.</summary>
    public int Peak => Volatile.Read(ref _peak);

    /// <summary>Waits for a free place; dispose the result when the answer has arrived.</summary>
    public async ValueTask<Lease> EnterAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        int now = Interlocked.Increment(ref _inFlight);
        int peak;
        while (now > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, peak) != peak)
        {
        }

        return new Lease(this);
    }

    public void Dispose() => _slots.Dispose();

    private void Leave()
    {
        Interlocked.Decrement(ref _inFlight);
        _slots.Release();
    }

    /// <summary>One place in the window, given back once.</summary>
    internal sealed class Lease(RequestWindow owner) : IDisposable
    {
        private int _left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0)
            {
                owner.Leave();
            }
        }
    }
}
