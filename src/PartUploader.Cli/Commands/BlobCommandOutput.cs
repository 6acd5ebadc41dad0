namespace PartUploader.Cli.Commands;

/// <summary>Output of the single-blob commands (<c>download</c>, <c>delete</c>): a JSON event or a line, and failures on standard error.</summary>
internal sealed class BlobCommandOutput(bool json)
{
    private readonly JsonEvents _events = new(Console.Out);

    public bool Json => json;

    public JsonEvents Events => _events;

    /// <summary>Maps a failure of one blob call: 404 is exit code 6 (no blob under the handle); cancellation is 5 with nothing left on the server.</summary>
    public static CliFailure Classify(Exception exception, bool cancellationRequested, string handle)
    {
        return exception switch
        {
            OperationCanceledException when cancellationRequested => new(ExitCodes.Cancelled, "cancelled", "Cancelled."),
            PartUploadException { Status: 404 } missing => new(ExitCodes.NotFound, "not-found", $"No blob exists under the handle '{handle}'. " + missing.Message, 404, missing.ErrorCode, missing.CorrelationId),
            PartUploadException { Status: 416 } outside => new(ExitCodes.ServiceError, "service", $"--range starts at or past the end of the blob: ask for bytes within it. " + outside.Message, 416, outside.ErrorCode, outside.CorrelationId),
            _ => CliFailure.From(exception, cancellationRequested),
        };
    }

    /// <summary>Reports the failure (a <c>failed</c> event with --json, always a line on standard error) and returns its exit code.</summary>
    public int Fail(CliFailure failure)
    {
        if (json)
        {
            _events.WriteFailure(failure);
        }

        Console.Error.WriteLine($"partupload: {failure.Kind}: {failure.Message}");
        Console.Error.Flush();
        return failure.ExitCode;
    }
}
