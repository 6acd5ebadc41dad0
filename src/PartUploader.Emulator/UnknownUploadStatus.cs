namespace PartUploader.Emulator;

/// <summary>The answer of the status link for an upload that is not completed (spec U14).</summary>
public enum UnknownUploadStatus
{
    /// <summary>404 for an upload never completed, cancelled, or never started (the default).</summary>
    NotFound = 0,

    /// <summary>200 <c>{"status":"processing"}</c> instead of 404.</summary>
    Processing,
}
