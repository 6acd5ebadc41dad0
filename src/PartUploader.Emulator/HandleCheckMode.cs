namespace PartUploader.Emulator;

/// <summary>Whether and when a published data handle must name a completed blob of the layer (spec publish-v2 P7).</summary>
public enum HandleCheckMode
{
    /// <summary>The partitions (or index insert) call answers 400 when no completed, visible blob is stored under the handle.</summary>
    RejectAtUpload = 0,

    /// <summary>The call accepts the handle; the publication then ends <c>failed</c> with a message naming it (versioned layers only; index inserts are not checked).</summary>
    FailAtProcessing,

    /// <summary>Handles are not checked.</summary>
    None,
}
