using Refit;

namespace PartUploader.Internal.Protocol.Publishing;

// One Refit interface per HERE API that makes data visible (publish spec 1, 2, 4, 10). Every URL is built by
// ServiceUrls from a looked-up base URL and goes in as a [Url] argument: no placeholder address, no rewriting.
// Every request carries its ServiceEndpoint, which ServiceEndpointHandler uses to authorize it for that host only.

/// <summary>Publish API v2 (publish spec 1).</summary>
internal interface IPublishApi
{
    [Post("")]
    Task<IApiResponse<PublicationWire>> InitializeAsync(
        [Url] Uri url, [Body(buffered: true)] InitPublicationRequest body, [Query] string? billingTag,
        [Property(ServiceEndpoint.Key)] ServiceEndpoint endpoint, CancellationToken cancellationToken);

    [Post("")]
    Task<IApiResponse> UploadPartitionsAsync(
        [Url] Uri url, [Body(buffered: true)] PublishPartitionsRequest body, [Query] string? billingTag,
        [Property(ServiceEndpoint.Key)] ServiceEndpoint endpoint, CancellationToken cancellationToken);

    [Put("")]
    Task<IApiResponse> SubmitAsync(
        [Url] Uri url, [Query] string? billingTag, [Property(ServiceEndpoint.Key)] ServiceEndpoint endpoint, CancellationToken cancellationToken);

    [Get("")]
    Task<IApiResponse<PublicationWire>> GetAsync(
        [Url] Uri url, [Query] string? billingTag, [Property(ServiceEndpoint.Key)] ServiceEndpoint endpoint, CancellationToken cancellationToken);

    [Delete("")]
    Task<IApiResponse> CancelAsync(
        [Url] Uri url, [Query] string? billingTag, [Property(ServiceEndpoint.Key)] ServiceEndpoint endpoint, CancellationToken cancellationToken);
}

/// <summary>Metadata API v1 and Query API v1 (publish spec 4): the same partition shape.</summary>
internal interface IMetadataApi
{
    [Get("")]
    Task<IApiResponse<LatestVersionWire>> GetLatestVersionAsync(
        [Url] Uri url, [Query] long startVersion, [Query] string? billingTag,
        [Property(ServiceEndpoint.Key)] ServiceEndpoint endpoint, CancellationToken cancellationToken);

    [Get("")]
    Task<IApiResponse<PartitionsPageWire>> GetPartitionsAsync(
        [Url] Uri url, [Property(ServiceEndpoint.Key)] ServiceEndpoint endpoint, CancellationToken cancellationToken);
}

/// <summary>Index API v1 (publish spec 2).</summary>
internal interface IIndexApi
{
    [Post("")]
    Task<IApiResponse> InsertAsync(
        [Url] Uri url, [Body(buffered: true)] IReadOnlyList<IndexRecordWire> records, [Query] string? billingTag,
        [Property(ServiceEndpoint.Key)] ServiceEndpoint endpoint, CancellationToken cancellationToken);
}

/// <summary>Config API v1 (publish spec 10).</summary>
internal interface IConfigApi
{
    [Get("")]
    Task<IApiResponse<CatalogConfigWire>> GetCatalogAsync(
        [Url] Uri url, [Query] string? billingTag, [Property(ServiceEndpoint.Key)] ServiceEndpoint endpoint, CancellationToken cancellationToken);
}
