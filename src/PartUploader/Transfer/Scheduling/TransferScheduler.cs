using PartUploader.Internal.Protocol;

namespace PartUploader.Internal.Transfer;

/// <summary>
/// What every blob of a batch shares: the window of requests in flight (<see cref="PartUploadClientOptions.MaxConcurrency"/>
/// across all blobs) and the memory budget (<see cref="PartUploadClientOptions.MaxBufferedBytes"/> for all buffered data).
/// </summary>
/// <remarks>
/// Each blob rents exactly the bytes of the part it reads (a small blob never holds a buffer sized for a large part),
/// first come first served, so a large blob waits its turn rather than starving the small ones, and the other way round.
/// </remarks>
internal sealed class TransferScheduler : IDisposable
{
    public TransferScheduler(int maxRequestsInFlight, long maxBufferedBytes, TimeProvider? time = null, TimeSpan? maxCooldown = null)
    {
        Window = new RequestWindow(maxRequestsInFlight, time, maxCooldown);
        Pool = new SegmentPool(maxBufferedBytes);
    }

    /// <summary>Gets the window of requests in flight, entered for every request of every blob.</summary>
    public RequestWindow Window { get; }

    /// <summary>Gets the memory budget every blob's buffers come from.</summary>
    public SegmentPool Pool { get; }

    public void Dispose() => Window.Dispose();
}
