using Microsoft.Extensions.Options;

namespace PartUploader.Cli;

/// <summary>A failure as the CLI reports it: the exit code, a kind for scripts, what an operator needs, and what was left on the server.</summary>
internal sealed record CliFailure(int ExitCode, string Kind, string Message, int? Status = null, string? ErrorCode = null, string? CorrelationId = null)
{
    /// <summary>Gets whether a multipart upload was cancelled on the server after the failure; null when none had been started.</summary>
    public bool? CancelledOnServer { get; init; }

    /// <summary>Gets whether the upload had completed before a cancel reached the service (the blob is stored).</summary>
    public bool BlobStored { get; init; }

    /// <summary>Gets the id of the multipart upload that was started, when one was.</summary>
    public string? UploadId { get; init; }

    public static CliFailure BadInput(string message) => new(ExitCodes.BadInput, "bad-input", message);

    /// <summary>Maps an exception of the SDK (or of the local side) to an exit code, saying what happened on the server.</summary>
    public static CliFailure From(Exception exception, bool cancellationRequested)
    {
        CliFailure failure = Classify(exception, cancellationRequested);
        bool? cancelled = exception.Data[PartUploadExceptionData.CancelledOnServer] as bool?;
        string? uploadId = exception.Data[PartUploadExceptionData.UploadId] as string;
        bool stored = exception.Data[PartUploadExceptionData.BlobStored] is true;
        string server = (cancelled, failure.ExitCode) switch
        {
            _ when exception is PartUploadException { ErrorCode: PartUploadErrorCodes.TimeLimitExceeded } => string.Empty, // its message says what was left on the server
            _ when stored => $" The multipart upload {uploadId} had completed: the blob is stored under the handle.",
            (true, _) => $" The multipart upload {uploadId} was cancelled on the server.",
            (false, _) => $" The multipart upload {uploadId} could NOT be cancelled on the server ({CliMessages.Clean(exception.Data[PartUploadExceptionData.CancelError] as string ?? "no reason given")}); " +
                "it stays open until the service expires it. With --resume, the journal is kept: run the same command again to finish it.",
            (null, ExitCodes.Cancelled) => " No multipart upload had been started on the server.",
            _ => string.Empty,
        };
        return failure with { Message = failure.Message + server, CancelledOnServer = cancelled, UploadId = uploadId, BlobStored = stored };
    }

    private static CliFailure Classify(Exception exception, bool cancellationRequested)
    {
        switch (exception)
        {
            case OperationCanceledException when cancellationRequested:
                return new(ExitCodes.Cancelled, "cancelled", "Cancelled.");
            case PartUploadAuthenticationException auth:
                return FromService(ExitCodes.Auth, "auth", auth);
            case PartUploadException { Status: 401 or 403 } denied:
                return FromService(ExitCodes.Auth, "auth", denied);
            case PartUploadException { ErrorCode: PartUploadErrorCodes.JournalInvalid or PartUploadErrorCodes.SourceChanged or PartUploadErrorCodes.SourceTooShort } input:
                return FromService(ExitCodes.BadInput, "bad-input", input);
            case PartUploadException service:
                return FromService(ExitCodes.ServiceError, "service", service);
            case OptionsValidationException options:
                return BadInput(CliMessages.Clean(options.Message));
            case ArgumentException argument:
                return BadInput(CliMessages.Clean(argument.Message));
            case FileNotFoundException or DirectoryNotFoundException:
                return BadInput(exception.Message);
            case UnauthorizedAccessException denied:
                return BadInput("Access denied: " + denied.Message);
            case HttpRequestException http:
                return new(ExitCodes.ServiceError, "service", "The service could not be reached: " + http.Message);
            case OperationCanceledException:
                return new(ExitCodes.ServiceError, "service", "The operation timed out: " + exception.Message);
            case IOException io:
                return new(ExitCodes.Other, "other", "I/O error: " + io.Message);
            default:
                return new(ExitCodes.Other, "other", CliMessages.Clean(exception.Message));
        }
    }

    private static CliFailure FromService(int exitCode, string kind, PartUploadException exception)
    {
        string message = exception.Message;
        if (exception.Status == 0 && Transport(exception) is { } transport)
        {
            // The transport error names the host and port that failed ("Connection refused (127.0.0.1:5000)").
            message += " (" + transport.Message + ")";
        }

        if (CliHints.For(exception) is { } next)
        {
            message += " " + next;
        }

        return new(exitCode, kind, message, exception.Status == 0 ? null : exception.Status, exception.ErrorCode, exception.CorrelationId);
    }

    private static HttpRequestException? Transport(Exception exception)
    {
        for (Exception? e = exception.InnerException; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException http)
            {
                return http;
            }
        }

        return null;
    }
}
