namespace PartUploader.Emulator.Internal;

/// <summary>What the pipeline and the handler learn about one request, for the journal and for faults.</summary>
internal sealed class RequestState
{
    public EmulatorOperation? Operation { get; init; }

    public string? UploadId { get; set; }

    public int? PartNumber { get; set; }

    public string? FaultApplied { get; set; }

    public bool CorruptStoredBytes { get; set; }

    public bool FailUpload { get; set; }

    public bool ConnectionReset { get; set; }

    public BodyMeter? Body { get; set; }

    /// <summary>The request's in-flight slot (counted blob-service operations only).</summary>
    public CapacitySlot? CapacitySlot { get; set; }

    /// <summary>How many bytes of a served blob to send before closing the connection (ResetAfterBytes on a GET).</summary>
    public long? ResetResponseAfter { get; set; }
}
