namespace PartUploader;

/// <summary>
/// The <see cref="PartUploadException.ErrorCode"/> values the client itself sets, for callers to match on
/// (<c>catch (PartUploadException ex) when (ex.ErrorCode == PartUploadErrorCodes.SourceChanged)</c>). Codes the service
/// returns (for example <c>E_BLOB_...</c>, or the account service's <c>401300</c>) are passed through as given.
/// </summary>
public static class PartUploadErrorCodes
{
    /// <summary>The source changed while it was uploaded or since the interrupted upload (length, last write time or content).</summary>
    public const string SourceChanged = "SourceChanged";

    /// <summary>The source ended before the length it declared (a stream, or a file truncated during the upload).</summary>
    public const string SourceTooShort = "SourceTooShort";

    /// <summary>The service rejected a part twice with 400 (a digest mismatch or a bad parameter) and gave no code of its own.</summary>
    public const string DigestRejected = "DigestRejected";

    /// <summary>The service acknowledged a part without an ETag, so the upload cannot be completed.</summary>
    public const string MissingETag = "MissingETag";

    /// <summary>A part range read back after the upload differs from the source.</summary>
    public const string ReadBackMismatch = "ReadBackMismatch";

    /// <summary>The downloaded bytes do not have the CRC-32C the caller expected (<see cref="DownloadOptions.ExpectedCrc32C"/>).</summary>
    public const string DownloadMismatch = "DownloadMismatch";

    /// <summary>The service reported the multipart upload <c>failed</c>.</summary>
    public const string UploadFailed = "UploadFailed";

    /// <summary>The service did not report <c>completed</c> within <see cref="PartUploadClientOptions.CompletionTimeout"/>.</summary>
    public const string CompletionTimeout = "CompletionTimeout";

    /// <summary>
    /// The upload or batch did not finish within its overall time limit (<see cref="PartUploadOptions.TimeLimit"/>,
    /// <see cref="BatchUploadOptions.TimeLimit"/>); every multipart upload in flight was cancelled on the server (see
    /// <see cref="PartUploadExceptionData.CancelledOnServer"/>).
    /// </summary>
    public const string TimeLimitExceeded = "TimeLimitExceeded";

    /// <summary>A stream turned out longer than the most one multipart upload holds (50 GB); nothing was completed.</summary>
    public const string BlobTooLarge = "BlobTooLarge";

    /// <summary>A stream of unknown length needs more parts than the part size allows; choose a larger part size.</summary>
    public const string TooManyParts = "TooManyParts";

    /// <summary>All 10,000 part numbers were used (retries under fresh numbers included).</summary>
    public const string PartNumbersExhausted = "PartNumbersExhausted";

    /// <summary>An attempt took longer than the attempt timeout and the retries ran out.</summary>
    public const string ClientTimeout = "ClientTimeout";

    /// <summary>The connection to the service failed and the retries ran out.</summary>
    public const string NetworkError = "NetworkError";

    /// <summary>The service's answer could not be read (malformed, truncated or missing a required part).</summary>
    public const string MalformedResponse = "MalformedResponse";

    /// <summary>A link or redirect pointed to a host other than the service's; nothing (and no token) was sent there.</summary>
    public const string UntrustedHost = "UntrustedHost";

    /// <summary>A link the service returned is not a usable URL or method.</summary>
    public const string InvalidLink = "InvalidLink";

    /// <summary>A request would not keep the route's path structure (an identifier that changes the path); nothing was sent.</summary>
    public const string InvalidPath = "InvalidPath";

    /// <summary>A resume journal cannot be used (unreadable, of another upload, or of an unknown version).</summary>
    public const string JournalInvalid = "JournalInvalid";

    /// <summary>A required credential key is missing or empty.</summary>
    public const string MissingCredential = "MissingCredential";

    /// <summary>A credential value is malformed.</summary>
    public const string InvalidCredential = "InvalidCredential";

    /// <summary>The credentials file does not exist.</summary>
    public const string CredentialsFileNotFound = "CredentialsFileNotFound";

    /// <summary>The credentials file is a directory or cannot be read.</summary>
    public const string CredentialsFileUnreadable = "CredentialsFileUnreadable";

    /// <summary>The token endpoint could not be reached.</summary>
    public const string TokenEndpointUnreachable = "TokenEndpointUnreachable";

    /// <summary>The token response could not be read.</summary>
    public const string InvalidTokenResponse = "InvalidTokenResponse";

    /// <summary>The API lookup service could not be reached.</summary>
    public const string LookupUnreachable = "LookupUnreachable";

    /// <summary>The API lookup response could not be read.</summary>
    public const string InvalidLookupResponse = "InvalidLookupResponse";

    /// <summary>The API lookup lists no blob v1 API for the catalog.</summary>
    public const string ApiNotFound = "ApiNotFound";

    /// <summary>Another publication of the catalog is active (submitted and unfinished); initializing a new one was refused (409).</summary>
    public const string PublicationConflict = "PublicationConflict";

    /// <summary>The publication ended <c>failed</c>; the service's message is the exception's <c>ErrorTitle</c>.</summary>
    public const string PublicationFailed = "PublicationFailed";

    /// <summary>The publication was cancelled (by a client, or by a newer publication of the catalog) before it succeeded.</summary>
    public const string PublicationCancelled = "PublicationCancelled";

    /// <summary>The publication expired while idle.</summary>
    public const string PublicationExpired = "PublicationExpired";

    /// <summary>The publication did not finish within the wait timeout; it goes on on the server.</summary>
    public const string PublicationTimeout = "PublicationTimeout";

    /// <summary>The service reported a publication state this client does not know; the raw state is in the exception.</summary>
    public const string PublicationStateUnknown = "PublicationStateUnknown";

    /// <summary>A publication to continue is no longer <c>initialized</c>.</summary>
    public const string PublicationNotOpen = "PublicationNotOpen";

    /// <summary>The published metadata read back differs from what was sent.</summary>
    public const string PublishVerifyMismatch = "PublishVerifyMismatch";

    /// <summary>Uploading an item's data failed, so its partition could not be published.</summary>
    public const string ItemFailed = "ItemFailed";

    /// <summary>The catalog has no such layer.</summary>
    public const string LayerNotFound = "LayerNotFound";

    /// <summary>The layer's type or settings do not fit the call or the options (for example a content type other than the layer's).</summary>
    public const string LayerMismatch = "LayerMismatch";

    /// <summary>The catalog configuration could not be read and the options did not allow going on without it.</summary>
    public const string ConfigUnavailable = "ConfigUnavailable";

    /// <summary>The publication is <c>initialized</c>: it was never submitted, so waiting for it cannot end.</summary>
    public const string PublicationNotSubmitted = "PublicationNotSubmitted";

    /// <summary>The service no longer knows the publication (404 while reading it).</summary>
    public const string PublicationNotFound = "PublicationNotFound";

    /// <summary>Whether the publication was submitted is unknown: the submit had no clear answer and its state could not be read. Nothing was cancelled.</summary>
    public const string SubmitOutcomeUnknown = "SubmitOutcomeUnknown";
}
