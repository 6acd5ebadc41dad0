using Microsoft.Extensions.Logging;

namespace PartUploader.Emulator.Internal;

/// <summary>The emulator's log messages (event IDs in the 4xx band). Never logs headers, bodies, query strings or paths on disk.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 400, EventName = "RequestHandled", Level = LogLevel.Debug,
        Message = "{Method} {Operation} -> {StatusCode} in {ElapsedMs} ms (UploadId {UploadId}, PartNumber {PartNumber}, {BytesReceived} bytes)")]
    public static partial void RequestHandled(ILogger logger, string method, EmulatorOperation? operation, int statusCode, long elapsedMs, string? uploadId, int? partNumber, long bytesReceived);

    [LoggerMessage(EventId = 401, EventName = "FaultApplied", Level = LogLevel.Information,
        Message = "Fault {FaultName} applied to {Operation} (UploadId {UploadId}, PartNumber {PartNumber})")]
    public static partial void FaultApplied(ILogger logger, string faultName, EmulatorOperation? operation, string? uploadId, int? partNumber);

    [LoggerMessage(EventId = 402, EventName = "RequestFailed", Level = LogLevel.Warning,
        Message = "{Operation} failed with {ExceptionType}; answered 500")]
    public static partial void RequestFailed(ILogger logger, EmulatorOperation? operation, string exceptionType);

    [LoggerMessage(EventId = 403, EventName = "ConnectionReset", Level = LogLevel.Debug,
        Message = "{Operation} ended with the connection reset (UploadId {UploadId}, PartNumber {PartNumber})")]
    public static partial void ConnectionReset(ILogger logger, EmulatorOperation? operation, string? uploadId, int? partNumber);
}
