using Microsoft.Extensions.Logging;

namespace PartUploader.Internal.Publishing;

/// <summary>Source-generated log messages of publishing, event ids 6xx. Never a secret, URL query or body.</summary>
internal static partial class PublishingLog
{
    [LoggerMessage(EventId = 600, EventName = "PublicationInitialized", Level = LogLevel.Information,
        Message = "Publication {PublicationId} initialized over catalog version {BaseVersion}")]
    public static partial void Initialized(ILogger logger, string publicationId, long? baseVersion);

    [LoggerMessage(EventId = 601, EventName = "PublicationSubmitted", Level = LogLevel.Information,
        Message = "Publication {PublicationId} submitted")]
    public static partial void Submitted(ILogger logger, string publicationId);

    [LoggerMessage(EventId = 602, EventName = "PublicationCancelled", Level = LogLevel.Warning,
        Message = "Publication {PublicationId} cancelled on the server after a failure")]
    public static partial void Cancelled(ILogger logger, string publicationId);

    [LoggerMessage(EventId = 603, EventName = "PublicationCancelFailed", Level = LogLevel.Warning,
        Message = "Publication {PublicationId} could not be cancelled on the server; it expires when idle")]
    public static partial void CancelFailed(ILogger logger, Exception exception, string publicationId);

    [LoggerMessage(EventId = 604, EventName = "LayerConfigUnavailable", Level = LogLevel.Warning,
        Message = "The catalog configuration could not be read (status {Status}: no such catalog, or no read access); publishing with the caller's layer settings")]
    public static partial void ConfigUnavailable(ILogger logger, int status);

    [LoggerMessage(EventId = 605, EventName = "PublicationResumed", Level = LogLevel.Information,
        Message = "Publication {PublicationId} resumed from its journal; it is {State}")]
    public static partial void Resumed(ILogger logger, string publicationId, string state);

    [LoggerMessage(EventId = 606, EventName = "PublicationJournalWriteFailed", Level = LogLevel.Warning,
        Message = "Publication {PublicationId} was submitted, but its journal could not record it; a rerun reads its state from the service")]
    public static partial void JournalWriteFailed(ILogger logger, Exception exception, string publicationId);

    [LoggerMessage(EventId = 607, EventName = "PublicationReadFailed", Level = LogLevel.Warning,
        Message = "Publication {PublicationId} could not be read while waiting for it; reading it again")]
    public static partial void WaitReadFailed(ILogger logger, Exception exception, string publicationId);
}
