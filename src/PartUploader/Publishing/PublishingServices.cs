using Microsoft.Extensions.Logging;
using PartUploader.Internal.Auth;
using PartUploader.Internal.Protocol;
using PartUploader.Internal.Protocol.Publishing;
using PartUploader.Internal.Resilience;

namespace PartUploader.Internal.Publishing;

/// <summary>
/// What every publishing step shares: the typed calls, the retrying runner, the endpoints of the
/// catalog's publish, metadata, query, index and config APIs (from the API lookup, cached there), and
/// the caller's billing tag.
/// </summary>
internal sealed class PublishingServices
{
    private readonly ApiLookupClient _lookup;
    private readonly AccessTokenSource _tokens;

    public PublishingServices(
        PublishingProtocol protocol, ApiLookupClient lookup, CatalogHrn catalog, AccessTokenSource tokens, RetryOptions retry, string? billingTag, ILogger logger)
    {
        Protocol = protocol;
        _lookup = lookup;
        _tokens = tokens;
        Catalog = catalog;
        BillingTag = billingTag;
        Logger = logger;
        AttemptTimeout = retry.AttemptTimeout;
        Runner = new OperationRunner(UploadPipeline.Create(retry, protocol.TimeProvider, logger), retry.AttemptTimeout, budget: null, Error);
    }

    public PublishingProtocol Protocol { get; }

    public OperationRunner Runner { get; }

    public CatalogHrn Catalog { get; }

    public string? BillingTag { get; }

    public ILogger Logger { get; }

    public TimeSpan AttemptTimeout { get; }

    public TimeProvider Clock => Protocol.TimeProvider;

    public async Task<ServiceEndpoint> PublishAsync(CancellationToken cancellationToken) =>
        new(await _lookup.GetApiBaseUrlAsync(Catalog, "publish", "v2", cancellationToken).ConfigureAwait(false), _tokens);

    public async Task<ServiceEndpoint> MetadataAsync(CancellationToken cancellationToken) =>
        new(await _lookup.GetApiBaseUrlAsync(Catalog, "metadata", "v1", cancellationToken).ConfigureAwait(false), _tokens, MaxPageBytes);

    public async Task<ServiceEndpoint> QueryAsync(CancellationToken cancellationToken) =>
        new(await _lookup.GetApiBaseUrlAsync(Catalog, "query", "v1", cancellationToken).ConfigureAwait(false), _tokens, MaxPageBytes);

    public async Task<ServiceEndpoint> IndexAsync(CancellationToken cancellationToken) =>
        new(await _lookup.GetApiBaseUrlAsync(Catalog, "index", "v1", cancellationToken).ConfigureAwait(false), _tokens);

    /// <summary>The config API: the platform route first (P27 default), the catalog's resource route when the platform lists none.</summary>
    public async Task<ServiceEndpoint> ConfigAsync(CancellationToken cancellationToken)
    {
        try
        {
            return new(await _lookup.GetPlatformApiBaseUrlAsync("config", "v1", cancellationToken).ConfigureAwait(false), _tokens);
        }
        catch (PartUploadException ex) when (ex.Status == 404 || ex.ErrorCode == PartUploadErrorCodes.ApiNotFound)
        {
            return new(await _lookup.GetApiBaseUrlAsync(Catalog, "config", "v1", cancellationToken).ConfigureAwait(false), _tokens);
        }
    }

    /// <summary>A metadata page may list many partitions: read up to 64 MiB of it (JSON answers are otherwise capped at 1 MiB).</summary>
    private const int MaxPageBytes = 64 * 1024 * 1024;

    private static PublicationException Error(string summary, string operation, string? code, int status, int? partNumber, ServiceError? service, Exception? inner) =>
        new PublicationException(PartUploadException.FormatMessage(summary, operation, status, code, service?.Title, service?.CorrelationId), inner)
        {
            Status = status,
            ErrorCode = code,
            ErrorTitle = service?.Title,
            CorrelationId = service?.CorrelationId,
            Operation = operation,
        };
}
