using Microsoft.Extensions.Logging;

namespace PartUploader.Internal.Diagnostics;

/// <summary>Source-generated log messages with stable event ids: 1xx upload, 2xx part, 3xx retry. Never a secret, URL query or body.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 100, EventName = "UploadStarting", Level = LogLevel.Information,
        Message = "Upload of {DataHandle} to layer {LayerId} starting: {TotalBytes} bytes, parts of {PartSizeBytes} bytes, multipart {Multipart}")]
    public static partial void UploadStarting(ILogger logger, string dataHandle, string layerId, long? totalBytes, long partSizeBytes, bool multipart);

    [LoggerMessage(EventId = 101, EventName = "MultipartStarted", Level = LogLevel.Debug,
        Message = "Multipart upload {UploadId} started for {DataHandle}")]
    public static partial void MultipartStarted(ILogger logger, string uploadId, string dataHandle);

    [LoggerMessage(EventId = 102, EventName = "UploadCompleted", Level = LogLevel.Information,
        Message = "Upload {UploadId} of {DataHandle} completed: {TotalBytes} bytes in {PartCount} parts, {Retries} retries, {ElapsedMs} ms")]
    public static partial void UploadCompleted(ILogger logger, string uploadId, string dataHandle, long totalBytes, int partCount, int retries, long elapsedMs);

    [LoggerMessage(EventId = 103, EventName = "UploadFailed", Level = LogLevel.Debug,
        Message = "Upload {UploadId} of {DataHandle} failed; cancelling it on the server")]
    public static partial void UploadFailed(ILogger logger, Exception exception, string uploadId, string dataHandle);

    [LoggerMessage(EventId = 104, EventName = "UploadCancelled", Level = LogLevel.Information,
        Message = "Upload {UploadId} of {DataHandle} cancelled on the server")]
    public static partial void UploadCancelled(ILogger logger, string uploadId, string dataHandle);

    [LoggerMessage(EventId = 105, EventName = "CancelFailed", Level = LogLevel.Warning,
        Message = "Upload {UploadId} of {DataHandle} could not be cancelled on the server")]
    public static partial void CancelFailed(ILogger logger, Exception exception, string uploadId, string dataHandle);

    [LoggerMessage(EventId = 106, EventName = "StatusPolled", Level = LogLevel.Debug,
        Message = "Upload {UploadId} status {Status}")]
    public static partial void StatusPolled(ILogger logger, string uploadId, string status);

    [LoggerMessage(EventId = 107, EventName = "RangeVerified", Level = LogLevel.Debug,
        Message = "Upload {UploadId}: read back {PartSizeBytes} bytes at offset {Offset}; CRC-32C matches")]
    public static partial void RangeVerified(ILogger logger, string uploadId, long partSizeBytes, long offset);

    [LoggerMessage(EventId = 108, EventName = "SinglePutCompleted", Level = LogLevel.Information,
        Message = "Single PUT of {DataHandle} completed: {TotalBytes} bytes, {ElapsedMs} ms")]
    public static partial void SinglePutCompleted(ILogger logger, string dataHandle, long totalBytes, long elapsedMs);

    [LoggerMessage(EventId = 109, EventName = "ConcurrencyLowered", Level = LogLevel.Warning,
        Message = "MaxConcurrency {MaxConcurrency} lowered to {Concurrency} parts in flight: MaxBufferedBytes {MaxBufferedBytes} holds only that many parts of {PartSizeBytes} bytes. Raise MaxBufferedBytes or lower PartSize or MaxConcurrency; logged once per options instance")]
    public static partial void ConcurrencyLowered(ILogger logger, int maxConcurrency, int concurrency, long maxBufferedBytes, long partSizeBytes);

    [LoggerMessage(EventId = 200, EventName = "PartSending", Level = LogLevel.Debug,
        Message = "Upload {UploadId}: part {PartNumber} ({PartSizeBytes} bytes, attempt {Attempt})")]
    public static partial void PartSending(ILogger logger, string uploadId, int partNumber, long partSizeBytes, int attempt);

    [LoggerMessage(EventId = 201, EventName = "PartAcknowledged", Level = LogLevel.Debug,
        Message = "Upload {UploadId}: part {PartNumber} acknowledged in {ElapsedMs} ms")]
    public static partial void PartAcknowledged(ILogger logger, string uploadId, int partNumber, long elapsedMs);

    [LoggerMessage(EventId = 300, EventName = "RetryScheduled", Level = LogLevel.Warning,
        Message = "{Operation} attempt {Attempt} failed (status {StatusCode}); retrying in {DelayMs} ms")]
    public static partial void RetryScheduled(ILogger logger, string operation, int attempt, int statusCode, long delayMs);

    [LoggerMessage(EventId = 301, EventName = "DownloadResumed", Level = LogLevel.Warning,
        Message = "Download of {DataHandle} dropped; continuing from byte {Offset} (retry {Attempt})")]
    public static partial void DownloadResumed(ILogger logger, string dataHandle, long offset, int attempt);

    [LoggerMessage(EventId = 302, EventName = "AttemptStalled", Level = LogLevel.Warning,
        Message = "{Operation} of {DataHandle} (part {PartNumber}) abandoned: {Reason}; retrying under a fresh number")]
    public static partial void AttemptStalled(ILogger logger, string operation, string dataHandle, int partNumber, string reason);
}
