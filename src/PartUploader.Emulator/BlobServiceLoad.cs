using PartUploader.Emulator.Internal;

namespace PartUploader.Emulator;

/// <summary>
/// The load on the emulated blob service: how many blob-service requests are in flight, the peak, and how many were
/// answered 503 because <see cref="BlobEmulatorOptions.MaxRequestsInFlight"/> was reached. Thread-safe.
/// </summary>
/// <remarks>
/// Counted operations: start, upload part, complete, status, cancel, put, head, get and delete of a blob (not the
/// token endpoint, the lookup service, the storage redirect target or the admin endpoints). A request is in flight from
/// its arrival (after <see cref="BlobEmulatorOptions.Latency"/>) until its handler has finished, or until a response held
/// by <see cref="FaultKind.DelayResponse"/> is released; a throttled request is never counted as in flight.
/// </remarks>
public sealed class BlobServiceLoad
{
    private int _inFlight;
    private int _peakInFlight;
    private long _throttled;

    internal BlobServiceLoad()
    {
    }

    /// <summary>Gets how many blob-service requests are in flight now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Gets the largest number of blob-service requests that were in flight at once since the start or the last <see cref="Reset"/>.</summary>
    public int PeakInFlight => Volatile.Read(ref _peakInFlight);

    /// <summary>Gets how many requests were answered 503 by the capacity limit since the start or the last <see cref="Reset"/>.</summary>
    public long Throttled => Interlocked.Read(ref _throttled);

    /// <summary>Sets <see cref="PeakInFlight"/> to the current <see cref="InFlight"/> and <see cref="Throttled"/> to 0.</summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _throttled, 0);
        Volatile.Write(ref _peakInFlight, Volatile.Read(ref _inFlight));
    }

    /// <summary>Takes a slot unless <paramref name="maxInFlight"/> requests are already in flight.</summary>
    /// <returns>The slot to release when the request is done, or <see langword="null"/> when the request was throttled (counted).</returns>
    internal CapacitySlot? TryEnter(int? maxInFlight)
    {
        int current = Volatile.Read(ref _inFlight);
        while (true)
        {
            if (maxInFlight is int max && current >= max)
            {
                Interlocked.Increment(ref _throttled);
                return null;
            }

            int seen = Interlocked.CompareExchange(ref _inFlight, current + 1, current);
            if (seen == current)
            {
                break;
            }

            current = seen;
        }

        int peak = Volatile.Read(ref _peakInFlight);
        while (current + 1 > peak)
        {
            int seen = Interlocked.CompareExchange(ref _peakInFlight, current + 1, peak);
            if (seen == peak)
            {
                break;
            }

            peak = seen;
        }

        return new CapacitySlot(this);
    }

    internal void Exit() => Interlocked.Decrement(ref _inFlight);
}
