namespace PartUploader.Emulator;

/// <summary>How a multipart upload ends after the processing delay (spec U8).</summary>
public enum CompletionOutcome
{
    /// <summary>The status becomes <c>completed</c> and the blob is readable (the default).</summary>
    Completed = 0,

    /// <summary>The status becomes <c>failed</c> and no blob is stored.</summary>
    Failed,
}
