namespace PartUploader.Emulator;

/// <summary>The state of a multipart upload as the emulator sees it.</summary>
public enum UploadState
{
    /// <summary>Started and neither completed nor cancelled.</summary>
    Open = 0,

    /// <summary>Completed successfully (the status may still read <c>processing</c> for a while).</summary>
    Completed,

    /// <summary>Cancelled by the client.</summary>
    Cancelled,

    /// <summary>Completed, but the outcome is <c>failed</c> (by switch or fault).</summary>
    Failed,
}
