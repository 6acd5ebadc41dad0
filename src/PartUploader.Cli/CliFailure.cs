using Microsoft.Extensions.Options;

namespace PartUploader.Cli;

/// <summary>A failure as the CLI reports it: the exit code, a kind for scripts, and what an operator needs.</summary>
internal sealed record CliFailure(int ExitCode, string Kind, string Message, int? Status = null, string? ErrorCode = null, string? CorrelationId = null)
{
    public static CliFailure BadInput(string message) => new(ExitCodes.BadInput, "bad-input", message);

    /// <summary>Maps an exception of the SDK (or of the local side) to an exit code.</summary>
    public static CliFailure From(Exception exception, bool cancellationRequested)
    {
        switch (exception)
        {
            case OperationCanceledException when cancellationRequested:
                return new(ExitCodes.Cancelled, "cancelled", "Cancelled; the multipart upload (if any) was cancelled on the server.");
            case PartUploadAuthenticationException auth:
                return FromService(ExitCodes.Auth, "auth", auth);
            case PartUploadException { Status: 401 or 403 } denied:
                return FromService(ExitCodes.Auth, "auth", denied);
            case PartUploadException { ErrorCode: "JournalInvalid" or "SourceChanged" } input:
                return FromService(ExitCodes.BadInput, "bad-input", input);
            case PartUploadException service:
                return FromService(ExitCodes.ServiceError, "service", service);
            case OptionsValidationException options:
                return BadInput(options.Message);
            case ArgumentException argument:
                return BadInput(argument.Message);
            case FileNotFoundException or DirectoryNotFoundException:
                return BadInput(exception.Message);
            case HttpRequestException http:
                return new(ExitCodes.ServiceError, "service", "The service could not be reached: " + http.Message);
            case OperationCanceledException:
                return new(ExitCodes.ServiceError, "service", "The operation timed out: " + exception.Message);
            default:
                return new(ExitCodes.Other, "other", exception.GetType().Name + ": " + exception.Message);
        }
    }

    private static CliFailure FromService(int exitCode, string kind, PartUploadException exception) =>
        new(exitCode, kind, exception.Message, exception.Status == 0 ? null : exception.Status, exception.ErrorCode, exception.CorrelationId);
}
