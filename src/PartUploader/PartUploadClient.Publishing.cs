using PartUploader.Internal.Auth;
using PartUploader.Internal.Protocol;
using PartUploader.Internal.Protocol.Publishing;
using PartUploader.Internal.Publishing;
using Refit;

namespace PartUploader;

/// <summary>Publishing what this client uploads.</summary>
public partial class PartUploadClient
{
    private PublicationClient? _publications;

    /// <summary>Gets the client that publishes data uploaded through this client and reads catalog metadata back.</summary>
    /// <returns>A client sharing this client's transport, credentials, retries, window of requests and memory budget.</returns>
    /// <exception cref="InvalidOperationException">The client was configured with <see cref="PartUploadClientOptions.BaseUrl"/> and no <see cref="PartUploadClientOptions.CatalogHrn"/>: publishing needs the catalog HRN to look up the publish, metadata, query and config APIs.</exception>
    public virtual PublicationClient GetPublicationClient()
    {
        if (_publications is not null)
        {
            return _publications;
        }

        if (_options.CatalogHrn is null)
        {
            throw new InvalidOperationException("Publishing needs PartUploadClientOptions.CatalogHrn: the publish, metadata, query and config base URLs come from the API lookup.");
        }

        CatalogHrn hrn = _catalogHrn ?? CatalogHrn.Parse(_options.CatalogHrn);
        ApiLookupClient lookup = _lookup ?? new ApiLookupClient(_httpClient, _tokenSource, _options.LookupUrl, _timeProvider, _logger, _options.Retry);
#pragma warning disable CA2000 // The handler chain is owned by the HttpClient, which lives as long as this client.
        var http = new HttpClient(new ResponseBodyLimitHandler(new ServiceEndpointHandler(new TransportHandler(_httpClient))))
        {
            // Refit insists on a base address; every call passes its absolute URL as a [Url] argument, so none is sent to it.
            BaseAddress = new Uri("http://publishing.invalid/"),
            Timeout = Timeout.InfiniteTimeSpan,
        };
#pragma warning restore CA2000
        var settings = new RefitSettings(SystemTextJsonContentSerializer.ForContext(PublishJsonContext.Default));
        var protocol = new PublishingProtocol(
            RestService.ForGenerated<IPublishApi>(http, settings),
            RestService.ForGenerated<IMetadataApi>(http, settings),
            RestService.ForGenerated<IIndexApi>(http, settings),
            RestService.ForGenerated<IConfigApi>(http, settings),
            _timeProvider);
        var services = new PublishingServices(protocol, lookup, hrn, _tokenSource, _options.Retry, _options.BillingTag, _logger);
        var client = new PublicationClient(services, this, _options.CancelTimeout);
        return Interlocked.CompareExchange(ref _publications, client, null) ?? client;
    }
}
