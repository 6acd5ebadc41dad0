namespace PartUploader.Internal.Auth;

/// <summary>Constants of the account and lookup contract (spec sections 7 and 8), in one place for the client.</summary>
internal static class AuthDefaults
{
    /// <summary>The default HERE account token endpoint (spec section 8).</summary>
    public static readonly Uri TokenEndpointUrl = new("https://account.api.here.com/oauth2/token");

    /// <summary>The default API lookup base URL (spec section 7).</summary>
    public static readonly Uri LookupBaseUrl = new("https://api-lookup.data.api.platform.here.com/lookup/v1");

    /// <summary>The grant type of the client-credentials token request.</summary>
    public const string GrantType = "client_credentials";

    /// <summary>The blob API name in lookup responses.</summary>
    public const string BlobApi = "blob";

    /// <summary>The blob API version this client speaks.</summary>
    public const string BlobApiVersion = "v1";
}

/// <summary>Error codes the account service returns (spec section 8) and client-side codes of the Auth room.</summary>
internal static class AuthErrorCodes
{
    /// <summary>The OAuth signature does not match.</summary>
    public const string SignatureMismatch = "401300";

    /// <summary>The timestamp is outside the valid window (clock skew).</summary>
    public const string TimestampOutOfWindow = "401204";

    /// <summary>The nonce was used before.</summary>
    public const string NonceReused = "401207";

    /// <summary>A required credential key is missing or empty.</summary>
    public const string MissingCredential = PartUploadErrorCodes.MissingCredential;

    /// <summary>A credential value is malformed.</summary>
    public const string InvalidCredential = PartUploadErrorCodes.InvalidCredential;

    /// <summary>The credentials file does not exist.</summary>
    public const string CredentialsFileNotFound = PartUploadErrorCodes.CredentialsFileNotFound;

    /// <summary>The credentials file is a directory or cannot be read (permissions, I/O error).</summary>
    public const string CredentialsFileUnreadable = PartUploadErrorCodes.CredentialsFileUnreadable;

    /// <summary>The token endpoint could not be reached.</summary>
    public const string TokenEndpointUnreachable = PartUploadErrorCodes.TokenEndpointUnreachable;

    /// <summary>The token response could not be read.</summary>
    public const string InvalidTokenResponse = PartUploadErrorCodes.InvalidTokenResponse;

    /// <summary>The lookup response could not be read.</summary>
    public const string InvalidLookupResponse = PartUploadErrorCodes.InvalidLookupResponse;

    /// <summary>The lookup response lists no blob v1 API for the catalog.</summary>
    public const string ApiNotFound = PartUploadErrorCodes.ApiNotFound;

    /// <summary>The lookup service could not be reached.</summary>
    public const string LookupUnreachable = PartUploadErrorCodes.LookupUnreachable;

    /// <summary>Says what an account-service error code means and what to fix, without echoing the service's text.</summary>
    public static string Describe(string? code) => code switch
    {
        SignatureMismatch => "the request signature did not match: check the access key id and secret",
        TimestampOutOfWindow => "the request timestamp is outside the valid window: check the system clock",
        NonceReused => "the request nonce was used before",
        _ => "the HERE account service refused the token request",
    };
}

/// <summary>Operation names the Auth room puts into <see cref="PartUploadException.Operation"/>.</summary>
internal static class AuthOperations
{
    public const string Credentials = "Credentials";
    public const string Token = "Token";
    public const string Lookup = "Lookup";
}
