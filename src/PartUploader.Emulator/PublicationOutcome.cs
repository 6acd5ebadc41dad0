namespace PartUploader.Emulator;

/// <summary>How a submitted publication ends once <see cref="PublishEmulatorOptions.ProcessingDelay"/> has passed (spec publish-v2 1.3, 1.8).</summary>
public enum PublicationOutcome
{
    /// <summary>The publication succeeds and makes a new catalog version.</summary>
    Succeeded = 0,

    /// <summary>The publication fails with <see cref="PublishEmulatorOptions.FailureMessage"/>.</summary>
    Failed,
}
