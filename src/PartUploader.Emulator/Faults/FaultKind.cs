namespace PartUploader.Emulator;

/// <summary>What a <see cref="FaultRule"/> does when it fires.</summary>
public enum FaultKind
{
    /// <summary>Answer with <see cref="FaultRule.StatusCode"/> (and <c>Retry-After</c>) without touching state; the request body is read and discarded first.</summary>
    Status = 0,

    /// <summary>Reset the connection before reading the request body.</summary>
    ResetBeforeBody,

    /// <summary>Reset the connection after <see cref="FaultRule.AfterBytes"/> bytes of the request body; on
    /// <see cref="EmulatorOperation.GetBlob"/> and <see cref="EmulatorOperation.StorageGet"/> (no request body), send
    /// <see cref="FaultRule.AfterBytes"/> bytes of the blob, then close the connection short of the declared length.</summary>
    ResetAfterBytes,

    /// <summary>Process the request normally (the whole body is read and the request takes effect) but hold the first
    /// byte of the response for <see cref="FaultRule.Delay"/> (<see cref="Timeout.InfiniteTimeSpan"/>: until the client
    /// gives up): the "response never starts" stall.</summary>
    DelayResponse,

    /// <summary>Process the request normally, but make the upload's final status <c>failed</c>.</summary>
    FailUpload,

    /// <summary>Invalidate the caller's bearer token and answer 401.</summary>
    ExpireToken,

    /// <summary>Accept the part (or blob) with a correct ETag but flip its first stored byte, so a read-back sees the damage.</summary>
    CorruptStoredBytes,

    /// <summary>Stop reading the request body after <see cref="FaultRule.AfterBytes"/> bytes for <see cref="FaultRule.Delay"/>
    /// on the emulator's clock, then continue normally (<see cref="Timeout.InfiniteTimeSpan"/>: until the client gives up,
    /// which leaves no side effect).</summary>
    StallBody,
}
