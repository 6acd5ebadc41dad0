using System.ComponentModel.DataAnnotations;

namespace PartUploader;

/// <summary>Configuration of a <see cref="PartUploadClient"/>: where it uploads and how.</summary>
/// <remarks>
/// Plain data, bindable from configuration. Validated when the client is created (and on start with
/// dependency injection); a bad value throws <see cref="Microsoft.Extensions.Options.OptionsValidationException"/>
/// naming the property, the value and the allowed range.
/// Memory: at most <see cref="MaxBufferedBytes"/> of part data is buffered at any time, whatever the blob size.
/// </remarks>
public sealed class PartUploadClientOptions
{
    /// <summary>Gets or sets the catalog HRN (<c>hrn:{partition}:data:{region}:{account}:{catalog}</c>); its blob v1 base URL is found through the API lookup.</summary>
    /// <value>The default value is null. One of <see cref="CatalogHrn"/> and <see cref="BaseUrl"/> must be set.</value>
    public string? CatalogHrn { get; set; }

    /// <summary>Gets or sets the catalog's blob v1 base URL, e.g. <c>https://host/blobstore/v1/catalogs/{hrn}</c>, which skips the API lookup.</summary>
    /// <value>The default value is null: found through the API lookup from <see cref="CatalogHrn"/>.</value>
    public Uri? BaseUrl { get; set; }

    /// <summary>Gets or sets the API lookup base URL, for other environments and the emulator.</summary>
    /// <value>The default value is null: <c>https://api-lookup.data.api.platform.here.com/lookup/v1</c>.</value>
    public Uri? LookupUrl { get; set; }

    /// <summary>Gets or sets the HERE <c>credentials.properties</c> file that dependency injection reads when no <see cref="AccessTokenSource"/> is registered.</summary>
    /// <value>The default value is null: <c>~/.here/credentials.properties</c>.</value>
    /// <remarks>
    /// Read only by <c>AddPartUploader</c>, which builds a <see cref="HereTokenSource"/> from it. The
    /// <see cref="PartUploadClient"/> constructors take a token source instead and refuse options that set this; so does
    /// dependency injection when an <see cref="AccessTokenSource"/> or a <c>Credentials</c> configuration section is registered.
    /// </remarks>
    public string? CredentialsFile { get; set; }

    /// <summary>Gets or sets the body format of the token requests of the <see cref="HereTokenSource"/> that dependency injection builds.</summary>
    /// <value>The default value is null: <see cref="HereTokenRequestFormat.Json"/>. Set <see cref="HereTokenRequestFormat.Form"/> for token endpoints that accept only form-encoded bodies.</value>
    /// <remarks>
    /// Read only by <c>AddPartUploader</c>; it is <see cref="HereTokenSourceOptions.RequestFormat"/> of the token source it builds.
    /// The <see cref="PartUploadClient"/> constructors refuse options that set this (set it on the
    /// <see cref="HereTokenSourceOptions"/> of the token source you pass), and so does dependency injection when an
    /// <see cref="AccessTokenSource"/> is registered.
    /// </remarks>
    [EnumDataType(typeof(HereTokenRequestFormat))]
    public HereTokenRequestFormat? TokenRequestFormat { get; set; }

    /// <summary>Gets or sets the part size in bytes; null chooses it from the blob size.</summary>
    /// <value>The default value is null (automatic: 16 MiB, larger when needed to fit 10,000 part numbers with headroom for retries).</value>
    [Range(5L * 1024 * 1024, 5L * 1024 * 1024 * 1024)]
    public long? PartSize { get; set; }

    /// <summary>Gets or sets how many parts are uploaded at the same time (a sliding window).</summary>
    /// <value>The default value is 8.</value>
    [Range(1, 256)]
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>Gets or sets the most bytes of part data buffered at any time; it bounds memory and read-ahead.</summary>
    /// <value>The default value is 256 MiB.</value>
    [Range(5L * 1024 * 1024, long.MaxValue)]
    public long MaxBufferedBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Gets or sets the size below which a blob of known length goes in one PUT instead of a multipart upload.</summary>
    /// <value>The default value is 50,000,000 bytes (HERE's guidance: 50 MB).</value>
    [Range(0, 5_000_000_000L)]
    public long SingleShotThreshold { get; set; } = 50_000_000;

    /// <summary>Gets or sets the algorithm of the <c>X-HERE-Digest</c> header.</summary>
    /// <value>The default value is <see cref="DigestAlgorithm.Crc32C"/>.</value>
    [EnumDataType(typeof(DigestAlgorithm))]
    public DigestAlgorithm DigestAlgorithm { get; set; } = DigestAlgorithm.Crc32C;

    /// <summary>Gets or sets whether the digest header uses the alternative algorithm tokens <c>CRC32C</c>, <c>SHA-1</c>, <c>SHA-256</c>, for a service that expects those spellings.</summary>
    /// <value>The default value is false: exactly <c>CRC-32C</c>, <c>MD5</c>, <c>SHA1</c>, <c>SHA256</c>.</value>
    public bool UseAlternateDigestTokens { get; set; }

    /// <summary>Gets or sets how part numbers are given to attempts, including retries of a part.</summary>
    /// <value>The default value is <see cref="PartNumbering.FreshOnRetry"/>.</value>
    [EnumDataType(typeof(PartNumbering))]
    public PartNumbering PartNumbering { get; set; } = PartNumbering.FreshOnRetry;

    /// <summary>Gets or sets the numbers each part owns under <see cref="PartNumbering.Reserved"/>.</summary>
    /// <value>The default value is 4.</value>
    [Range(2, 100)]
    public int ReservedNumbersPerPart { get; set; } = 4;

    /// <summary>Gets or sets whether, after an upload in which a part was retried, the retried byte ranges are read back and compared, so a service that assembles parts by number rather than list order cannot store a blob out of order unnoticed.</summary>
    /// <value>The default value is true.</value>
    public bool VerifyRetriedParts { get; set; } = true;

    /// <summary>Gets or sets whether every upload is read back whole and its CRC-32C compared.</summary>
    /// <value>The default value is false.</value>
    public bool VerifyFullReadBack { get; set; }

    /// <summary>Gets or sets how long the client waits for the status <c>completed</c> after the complete call.</summary>
    /// <value>The default value is 10 minutes.</value>
    public TimeSpan CompletionTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets how long the client tries to cancel a failed upload on the server.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan CancelTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the longest data handle accepted before any request (the service documents 600 characters; older documentation says 1,024).</summary>
    /// <value>The default value is 600.</value>
    [Range(1, 1024)]
    public int MaxDataHandleLength { get; set; } = 600;

    /// <summary>Gets or sets the billing tag sent with every call, or null for none (4 to 16 letters and digits).</summary>
    /// <value>The default value is null.</value>
    [RegularExpression("^[A-Za-z0-9]{4,16}$")]
    public string? BillingTag { get; set; }

    /// <summary>Gets the retry tuning.</summary>
    [Required]
    [Microsoft.Extensions.Options.ValidateObjectMembers]
    public RetryOptions Retry { get; set; } = new();

    /// <inheritdoc/>
    public override string ToString() =>
        $"PartUploadClientOptions(CatalogHrn={CatalogHrn}, BaseUrl={(BaseUrl is { IsAbsoluteUri: false } ? BaseUrl.OriginalString.Split('?', '#')[0] : BaseUrl?.GetLeftPart(UriPartial.Path))}, MaxConcurrency={MaxConcurrency}, PartSize={PartSize?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "auto"}, MaxBufferedBytes={MaxBufferedBytes}, Digest={DigestAlgorithm}, PartNumbering={PartNumbering})";
}
