using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PartUploader.Internal.Auth;
using PartUploader.Internal.Protocol;
using PartUploader.Internal.Resilience;
using PartUploader.Internal.Transfer;
using PartUploader.Internal.Validation;
using Polly;
using Refit;

namespace PartUploader;

/// <summary>
/// Uploads files and streams to a HERE catalog layer through the blob v1 API: multipart with
/// concurrent parts, bounded memory, an integrity digest per part and fresh-number retries, or a
/// single PUT for small blobs.
/// </summary>
/// <remarks>
/// Thread-safe; create it through <c>AddPartUploader</c> (transient, over a named
/// <see cref="HttpClient"/>) or with <see cref="PartUploadClient(HttpClient, PartUploadClientOptions, AccessTokenSource)"/>.
/// Memory: an upload buffers at most <see cref="PartUploadClientOptions.MaxBufferedBytes"/> of part
/// data, about <c>(MaxConcurrency + 1) × PartSize</c> when the budget allows. An upload either
/// completes with a blob byte-identical to the source or throws; on failure or cancellation the
/// multipart upload is cancelled on the server before the error surfaces.
/// </remarks>
public partial class PartUploadClient
{
    private const string DefaultName = PartUploaderDefaults.HttpClientName;
    private readonly PartUploadClientOptions _options = null!;
    private readonly BlobProtocol _protocol = null!;
    private readonly ResiliencePipeline _pipeline = null!;
    private readonly ILogger _logger = NullLogger.Instance;
    private readonly AccessTokenSource _tokenSource = null!;
    private readonly ApiLookupClient? _lookup;
    private readonly CatalogHrn? _catalogHrn;
    private readonly HttpClient _httpClient = null!;
    private readonly TimeProvider _timeProvider = TimeProvider.System;

    /// <summary>Initializes a new instance for mocking.</summary>
    protected PartUploadClient()
    {
    }

    /// <summary>Initializes a new instance over an <see cref="HttpClient"/> you own.</summary>
    /// <param name="httpClient">The transport. Set its <see cref="HttpClient.Timeout"/> to <see cref="Timeout.InfiniteTimeSpan"/>: the client's own timeouts govern.</param>
    /// <param name="options">The configuration; validated now.</param>
    /// <param name="tokenSource">The bearer tokens: <see cref="AccessTokenSource.FromToken"/>, <see cref="HereTokenSource"/>, or your own.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">
    /// The options are invalid (the message names each property, value and allowed range), or set
    /// <see cref="PartUploadClientOptions.CredentialsFile"/> or <see cref="PartUploadClientOptions.TokenRequestFormat"/>,
    /// which only dependency injection reads (here <paramref name="tokenSource"/> supplies the tokens).
    /// </exception>
    public PartUploadClient(HttpClient httpClient, PartUploadClientOptions options, AccessTokenSource tokenSource)
        : this(httpClient, options, tokenSource, null)
    {
    }

    /// <summary>Initializes a new instance over an <see cref="HttpClient"/> you own, with logging.</summary>
    /// <param name="httpClient">The transport. Set its <see cref="HttpClient.Timeout"/> to <see cref="Timeout.InfiniteTimeSpan"/>.</param>
    /// <param name="options">The configuration; validated now.</param>
    /// <param name="tokenSource">The bearer tokens.</param>
    /// <param name="logger">Where to log; null for none.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">
    /// The options are invalid, or set <see cref="PartUploadClientOptions.CredentialsFile"/> or
    /// <see cref="PartUploadClientOptions.TokenRequestFormat"/>, which only dependency injection reads (here
    /// <paramref name="tokenSource"/> supplies the tokens).
    /// </exception>
    public PartUploadClient(HttpClient httpClient, PartUploadClientOptions options, AccessTokenSource tokenSource, ILogger<PartUploadClient>? logger)
        : this(httpClient, WithoutTokenSourceOptions(options), tokenSource, logger, TimeProvider.System, pipeline: null, DefaultName, lookup: null)
    {
    }

    internal PartUploadClient(
        HttpClient httpClient,
        PartUploadClientOptions options,
        AccessTokenSource tokenSource,
        ILogger? logger,
        TimeProvider timeProvider,
        ResiliencePipeline? pipeline,
        string name,
        ApiLookupClient? lookup)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(tokenSource);
        ArgumentNullException.ThrowIfNull(timeProvider);
        PartUploadClientOptionsValidator.ThrowIfInvalid(name, options);

        _options = options;
        _tokenSource = tokenSource;
        _httpClient = httpClient;
        _timeProvider = timeProvider;
        if (options.BaseUrl is null)
        {
            _catalogHrn = CatalogHrn.Parse(options.CatalogHrn!);
            _lookup = lookup ?? new ApiLookupClient(httpClient, tokenSource, options.LookupUrl, timeProvider, logger, options.Retry);
        }

        _logger = logger ?? NullLogger.Instance;
#pragma warning disable CA2000 // The handler chain is owned by the Refit HttpClient, which lives as long as this client.
        var refitClient = new HttpClient(new ResponseBodyLimitHandler(new BlobEndpointHandler(new TransportHandler(httpClient))))
        {
            BaseAddress = RequestProperties.UnusedBaseAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };
#pragma warning restore CA2000
        var settings = new RefitSettings(SystemTextJsonContentSerializer.ForContext(BlobJsonContext.Default));
        _protocol = new BlobProtocol(RestService.ForGenerated<IBlobApi>(refitClient, settings), timeProvider);
        _pipeline = pipeline ?? UploadPipeline.Create(options.Retry, timeProvider, _logger);
    }

    private static PartUploadClientOptions WithoutTokenSourceOptions(PartUploadClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        TokenSourceOptionsCheck.ThrowIfSet(DefaultName, options, "the constructor's tokenSource argument");
        return options;
    }

    /// <summary>Gets or sets an observer of transfers, for tests and benchmarks.</summary>
    internal TransferDiagnostics? Diagnostics { get; set; }

    /// <summary>Uploads a stream from its current position to its end (or, for a non-seekable stream, until it ends).</summary>
    /// <param name="content">The data. Read from its current position; never disposed.</param>
    /// <param name="options">Where and how to upload.</param>
    /// <param name="cancellationToken">Cancels the upload; the multipart upload is then cancelled on the server.</param>
    /// <returns>What was stored: size, parts, retries, CRC-32C and requested digests.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="content"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">The stream is not readable, or an option is invalid (before any request).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The blob cannot fit the part limits (before any request).</exception>
    /// <exception cref="BlobAlreadyExistsException">The data handle already holds a blob.</exception>
    /// <exception cref="SourceChangedException">The source changed or ended before its declared length.</exception>
    /// <exception cref="PartChecksumMismatchException">The service kept rejecting a part's digest, or the stored blob differs from the source.</exception>
    /// <exception cref="UploadNotFoundException">The upload vanished on the server.</exception>
    /// <exception cref="PartUploadException">The service or the network failed and retries ran out, or <see cref="PartUploadOptions.TimeLimit"/> passed (<see cref="PartUploadErrorCodes.TimeLimitExceeded"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public virtual async Task<PartUploadResult> UploadAsync(Stream content, PartUploadOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(options);
        if (!content.CanRead)
        {
            throw new ArgumentException("The stream is not readable.", nameof(content));
        }

        UploadValidation.Validate(options, _options.MaxDataHandleLength);
        if (options.JournalPath is not null)
        {
            throw new ArgumentException("JournalPath is for file uploads: a stream's identity cannot be verified on resume. Upload the file by path, or leave JournalPath unset.", nameof(options));
        }

        using var source = new StreamSource(content);
        return await RunAsync(source, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Uploads a file, reading its parts in parallel with positional reads.</summary>
    /// <param name="filePath">The file to upload.</param>
    /// <param name="options">Where and how to upload.</param>
    /// <param name="cancellationToken">Cancels the upload; the multipart upload is then cancelled on the server.</param>
    /// <returns>What was stored.</returns>
    /// <exception cref="ArgumentException"><paramref name="filePath"/> is empty, or an option is invalid (before any request).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be read.</exception>
    /// <exception cref="BlobAlreadyExistsException">The data handle already holds a blob.</exception>
    /// <exception cref="SourceChangedException">The file changed or shrank during the upload.</exception>
    /// <exception cref="PartChecksumMismatchException">The service kept rejecting a part's digest, or the stored blob differs from the file.</exception>
    /// <exception cref="PartUploadException">The service or the network failed and retries ran out, or <see cref="PartUploadOptions.TimeLimit"/> passed (<see cref="PartUploadErrorCodes.TimeLimitExceeded"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public virtual async Task<PartUploadResult> UploadAsync(string filePath, PartUploadOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(filePath);
        ArgumentNullException.ThrowIfNull(options);
        UploadValidation.Validate(options, _options.MaxDataHandleLength);
        JournalRequest? journal = null;
        if (options.JournalPath is not null)
        {
            ValidateJournalUse(options);
            journal = new JournalRequest(options.JournalPath, SourceIdentity.Of(filePath), ResumeFrom: null);
        }

        using FileSource source = FileSource.Open(filePath);
        return await RunAsync(source, options, journal, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Continues a multipart upload of a file that was interrupted (for example by a crash) from its journal.</summary>
    /// <param name="filePath">The same file, unchanged.</param>
    /// <param name="options">The same layer, data handle and content type as the interrupted upload, with <see cref="PartUploadOptions.JournalPath"/> naming its journal.</param>
    /// <param name="cancellationToken">Cancels the upload; the multipart upload is then cancelled on the server.</param>
    /// <returns>What was stored. Whole-blob MD5/SHA digests are not computed for a resumed upload; the CRC-32C is.</returns>
    /// <remarks>
    /// Only the parts the journal does not list as acknowledged are sent, each under a part number
    /// above every number the interrupted run may have issued (never one whose outcome is unknown).
    /// Parts sent on resume are out of number order, so they are read back and verified like retried parts.
    /// </remarks>
    /// <exception cref="ArgumentException"><see cref="PartUploadOptions.JournalPath"/> is not set, or the options do not match the journal.</exception>
    /// <exception cref="SourceChangedException">The file changed since the interrupted upload (<see cref="PartUploadErrorCodes.SourceChanged"/>).</exception>
    /// <exception cref="UploadNotFoundException">The upload no longer exists on the service.</exception>
    /// <exception cref="PartUploadException">The journal cannot be used (<c>JournalInvalid</c>), or the service failed, or <see cref="PartUploadOptions.TimeLimit"/> passed (<see cref="PartUploadErrorCodes.TimeLimitExceeded"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public virtual async Task<PartUploadResult> ResumeAsync(string filePath, PartUploadOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(filePath);
        ArgumentNullException.ThrowIfNull(options);
        UploadValidation.Validate(options, _options.MaxDataHandleLength);
        if (options.JournalPath is null)
        {
            throw new ArgumentException("JournalPath must name the journal of the upload to resume.", nameof(options));
        }

        ValidateJournalUse(options);
        JournalRequest journal = ResumeCheck.Prepare(filePath, options, options.JournalPath, keepOnSuccess: false);
        ResumeCheck.EnsureSameService(journal, await GetEndpointAsync(cancellationToken).ConfigureAwait(false));
        using FileSource source = FileSource.Open(filePath);
        return await RunAsync(source, options, journal, cancellationToken).ConfigureAwait(false);
    }

    private void ValidateJournalUse(PartUploadOptions options)
    {
        if (_options.PartNumbering != PartNumbering.FreshOnRetry)
        {
            throw new ArgumentException("JournalPath needs PartNumbering.FreshOnRetry: under Reserved(k) a resumed part could not tell which of its numbers an interrupted attempt used.", nameof(options));
        }

        if (string.IsNullOrWhiteSpace(options.JournalPath) || Directory.Exists(options.JournalPath))
        {
            throw new ArgumentException("JournalPath must be a file path.", nameof(options));
        }

        // The journal is written after the upload starts: a directory that cannot hold it is found now, before any request.
        string directory = Path.GetDirectoryName(Path.GetFullPath(options.JournalPath))!;
        if (!Directory.Exists(directory))
        {
            throw new ArgumentException($"JournalPath names a directory that does not exist: '{directory}'.", nameof(options));
        }

        try
        {
            using (File.Create(Path.Combine(directory, $".{Path.GetFileName(options.JournalPath)}.{Guid.NewGuid():N}.probe"), 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"JournalPath's directory '{directory}' is not writable: {ex.Message}", nameof(options), ex);
        }
    }

    private async Task<PartUploadResult> RunAsync(PartSource source, PartUploadOptions options, CancellationToken cancellationToken) =>
        await RunAsync(source, options, journal: null, cancellationToken).ConfigureAwait(false);

    private async Task<PartUploadResult> RunAsync(PartSource source, PartUploadOptions options, JournalRequest? journal, CancellationToken cancellationToken)
    {
        using UploadTimeLimit? limit = UploadTimeLimit.StartOrNull(options.TimeLimit, "PartUploadOptions.TimeLimit", _timeProvider, cancellationToken);
        CancellationToken token = limit?.Token ?? cancellationToken;
        var request = new UploadRequest(
            options.LayerId, options.DataHandle, options.ContentType, options.ContentEncoding, options.ForceMultipart, options.WholeBlobDigests, options.Progress, journal, TimeLimit: limit);
        // A single upload has its own adaptive window of MaxConcurrency requests in flight, like a batch's.
        using var window = new RequestWindow(_options.MaxConcurrency, _protocol.TimeProvider, _options.Retry.MaxRetryAfter);
        try
        {
            BlobEndpoint endpoint = await GetEndpointAsync(token).ConfigureAwait(false) with { Window = window };
            var run = new UploadRun(_protocol, _pipeline, _options, _logger, endpoint, request, source, Diagnostics);
            return await run.RunAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException stopped) when (limit is { Exceeded: true })
        {
            // The limit passed before the upload began (during the endpoint lookup): nothing was started on the server.
            throw limit.CreateException(options.DataHandle, stopped);
        }
    }

    /// <summary>The blob endpoint: the configured base URL, or the one the API lookup gives for the catalog HRN (cached per max-age).</summary>
    private async ValueTask<BlobEndpoint> GetEndpointAsync(CancellationToken cancellationToken)
    {
        Uri baseUrl = _options.BaseUrl ?? await _lookup!.GetBlobBaseUrlAsync(_catalogHrn!, cancellationToken).ConfigureAwait(false);
        return new BlobEndpoint(baseUrl, _tokenSource);
    }
}
