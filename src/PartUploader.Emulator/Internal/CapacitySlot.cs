namespace PartUploader.Emulator.Internal;

/// <summary>One request's place among the in-flight blob-service requests; released once, whoever releases first.</summary>
internal sealed class CapacitySlot : IDisposable
{
    private readonly BlobServiceLoad _load;
    private int _released;

    public CapacitySlot(BlobServiceLoad load) => _load = load;

    /// <summary>Gets or sets a value indicating whether a held response (<see cref="FaultKind.DelayResponse"/>) releases the slot instead of the pipeline.</summary>
    public bool HeldByResponse { get; set; }

    public void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _load.Exit();
        }
    }

    /// <summary>The safety net (registered for dispose with the request): a response that never started still frees its slot.</summary>
    public void Dispose() => Release();
}
