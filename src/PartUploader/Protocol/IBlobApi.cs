using Refit;

namespace PartUploader.Internal.Protocol;

/// <summary>
/// The blob v1 operations (spec sections 2 and 3) as a Refit interface.
/// </summary>
/// <remarks>
/// Routes are relative to the catalog's blob base URL, which is only known at run time (from the
/// options or the API lookup); link operations carry the href the service returned. Neither is
/// known to Refit: every request carries a <see cref="BlobEndpoint"/> (and, for link operations, a
/// <see cref="BlobLinkTarget"/>) as a request property, and <see cref="BlobEndpointHandler"/> turns
/// the placeholder URL Refit builds into the real one, used verbatim. Every method returns an
/// <see cref="IApiResponse"/> so that <see cref="BlobProtocol"/> maps errors itself. JSON bodies are buffered so
/// that they carry a <c>Content-Length</c>: some gateways answer 411 to a chunked body.
/// </remarks>
internal interface IBlobApi
{
    [Post("/layers/{layerId}/data/{dataHandle}/multiparts")]
    Task<IApiResponse<StartMultipartResponse>> StartMultipartUploadAsync(
        string layerId,
        string dataHandle,
        [Body(buffered: true)] StartMultipartRequest body,
        [Query] string? billingTag,
        [Property(RequestProperties.Endpoint)] BlobEndpoint endpoint,
        CancellationToken cancellationToken);

    [Post("/" + RequestProperties.LinkPlaceholder + "/uploadPart")]
    Task<IApiResponse> UploadPartAsync(
        [Property(RequestProperties.Link)] BlobLinkTarget link,
        [Query] int partNumber,
        [Query] string? billingTag,
        [Header(BlobHeaders.Digest)] string? digest,
        [Body] HttpContent content,
        [Property(RequestProperties.Endpoint)] BlobEndpoint endpoint,
        CancellationToken cancellationToken);

    [Put("/" + RequestProperties.LinkPlaceholder + "/complete")]
    Task<IApiResponse> CompleteMultipartUploadAsync(
        [Property(RequestProperties.Link)] BlobLinkTarget link,
        [Body(buffered: true)] CompleteMultipartRequest body,
        [Query] string? billingTag,
        [Property(RequestProperties.Endpoint)] BlobEndpoint endpoint,
        CancellationToken cancellationToken);

    [Get("/" + RequestProperties.LinkPlaceholder + "/status")]
    Task<IApiResponse<MultipartStatusResponse>> GetMultipartStatusAsync(
        [Property(RequestProperties.Link)] BlobLinkTarget link,
        [Query] string? billingTag,
        [Property(RequestProperties.Endpoint)] BlobEndpoint endpoint,
        CancellationToken cancellationToken);

    [Delete("/" + RequestProperties.LinkPlaceholder + "/delete")]
    Task<IApiResponse> CancelMultipartUploadAsync(
        [Property(RequestProperties.Link)] BlobLinkTarget link,
        [Query] string? billingTag,
        [Property(RequestProperties.Endpoint)] BlobEndpoint endpoint,
        CancellationToken cancellationToken);

    [Put("/layers/{layerId}/data/{dataHandle}")]
    Task<IApiResponse> PutBlobAsync(
        string layerId,
        string dataHandle,
        [Header(BlobHeaders.Digest)] string? digest,
        [Body] HttpContent content,
        [Query] string? billingTag,
        [Property(RequestProperties.Endpoint)] BlobEndpoint endpoint,
        CancellationToken cancellationToken);

    [Head("/layers/{layerId}/data/{dataHandle}")]
    Task<IApiResponse> HeadBlobAsync(
        string layerId,
        string dataHandle,
        [Query] string? billingTag,
        [Property(RequestProperties.Endpoint)] BlobEndpoint endpoint,
        CancellationToken cancellationToken);

    [Get("/layers/{layerId}/data/{dataHandle}")]
    Task<HttpResponseMessage> GetBlobAsync(
        string layerId,
        string dataHandle,
        [Header("Range")] string? range,
        [Query] string? billingTag,
        [Property(RequestProperties.Endpoint)] BlobEndpoint endpoint,
        CancellationToken cancellationToken);

    [Delete("/layers/{layerId}/data/{dataHandle}")]
    Task<IApiResponse> DeleteBlobAsync(
        string layerId,
        string dataHandle,
        [Query] string? billingTag,
        [Property(RequestProperties.Endpoint)] BlobEndpoint endpoint,
        CancellationToken cancellationToken);
}
