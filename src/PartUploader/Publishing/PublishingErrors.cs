namespace PartUploader.Internal.Publishing;

/// <summary>Builds the publishing errors that do not come from a service answer.</summary>
internal static class PublishingErrors
{
    public const string OpValidate = "ValidatePublication";
    public const string OpWait = "WaitForPublication";
    public const string OpVerify = "VerifyPublication";

    /// <summary>A refusal before any data was sent (the layer does not fit the call).</summary>
    public static PublicationException Refused(string code, string summary) =>
        new(PartUploadException.FormatMessage(summary, OpValidate, 0, code)) { ErrorCode = code, Operation = OpValidate };

    /// <summary>A publication that ended in another state than succeeded, or could not be followed.</summary>
    public static PublicationException Ended(string code, string summary, string publicationId, string? state, string? serviceMessage, string operation = OpWait) =>
        new(PartUploadException.FormatMessage(
            $"{summary}; PublicationId: {publicationId}" + (state is null ? string.Empty : $"; State: {state}"),
            operation,
            0,
            code,
            Protocol.ServiceError.Sanitize(serviceMessage)))
        {
            ErrorCode = code,
            ErrorTitle = Protocol.ServiceError.Sanitize(serviceMessage),
            Operation = operation,
            PublicationId = publicationId,
            State = state,
        };

    /// <summary>The same error with the publication id and what happened to it on the server.</summary>
    public static PublicationException WithPublication(PartUploadException error, string publicationId, bool cancelledOnServer, IReadOnlyList<BatchItemResult>? failedItems = null)
    {
        string suffix = $"; PublicationId: {publicationId}" + (cancelledOnServer ? "; the publication was cancelled on the server" : "; the publication could not be cancelled on the server and expires when idle");
        return new PublicationException(error.Message + suffix, error)
        {
            Status = error.Status,
            ErrorCode = error.ErrorCode,
            ErrorTitle = error.ErrorTitle,
            CorrelationId = error.CorrelationId,
            Operation = error.Operation,
            DataHandle = error.DataHandle,
            PublicationId = publicationId,
            State = (error as PublicationException)?.State,
            CancelledOnServer = cancelledOnServer,
            FailedItems = failedItems ?? (error as PublicationException)?.FailedItems ?? [],
        };
    }

    /// <summary>A failure that is not a service's or the transfer's (for example the journal's directory cannot be written), as a <see cref="PartUploadException"/> that keeps it as the cause.</summary>
    public static PartUploadException Unexpected(Exception error) =>
        new(PartUploadException.FormatMessage($"Publishing failed: {error.GetType().Name}: {Protocol.ServiceError.Sanitize(error.Message)}", "Publish", 0), error) { Operation = "Publish" };
}
