using Refit;

namespace PartUploader.Internal.Protocol;

/// <summary>
/// The blob v1 operations (spec sections 2 and 3) as a Refit interface.
/// </summary>
/// <remarks>
/// Every call takes its absolute URL as a <c>[Url]</c> argument, built by <see cref="BlobUrls"/>: a route under the
/// catalog's blob base URL (only known at run time, from the options or the API lookup), or a link's href exactly as
/// the service returned it. Every request carries its <see cref="BlobEndpoint"/> as a request property, which
/// <see cref="BlobEndpointHandler"/> uses to authorize it for the trusted host only; a link call also carries its
/// <see cref="BlobLinkTarget"/>, whose method the handler applies (the service names it; a Refit attribute cannot).
/// Every method returns an <see cref="IApiResponse"/> so that <see cref="BlobProtocol"/> maps errors itself. JSON
/// bodies are buffered so that they carry a <c>Content-Length</c>: some gateways answer 411 to a chunked body.
/// </remarks>
internal interface IBlobApi
{
    [Post("")]
    Task<IApiResponse<StartMultipartResponse>> StartMultipartUploadAsync(
        [Url] Uri url,
        [Body(buffered: true)] StartMultipartRequest body,
        [Property(RequestProperties.Endpoint)] BlobEndpoint endpoint,
        CancellationToken cancellationToken);

    [Post("")]
    Task<IApiResponse> UploadPartAsync(
        [Url] Uri url,
        [Property(RequestProperties.Link)] BlobLinkTarget link,
        [Header(BlobHeaders.Digest)] string? digest,
        [Body] HttpContent content,
        [Property(RequestProperties.Endpoint)] BlobEndpoint endpoint,
        CancellationToken cancellationToken);

    [Put("")]
    Task<IApiResponse> CompleteMultipartUploadAsync(
        [Url] Uri url,
        [Property(RequestProperties.Link)] BlobLinkTarget link,
        [Body(buffered: true)] CompleteMultipartRequest body,
        [Property(RequestProperties.Endpoint)] BlobEndpoint endpoint,
        CancellationToken cancellationToken);

    [Get("")]
    Task<IApiResponse<MultipartStatusResponse>> GetMultipartStatusAsync(
        [Url] Uri url,
        [Property(RequestProperties.Link)] BlobLinkTarget link,
        [Property(RequestProperties.Endpoint)] BlobEndpoint endpoint,
        CancellationToken cancellationToken);

    [Delete("")]
    Task<IApiResponse> CancelMultipartUploadAsync(
        [Url] Uri url,
        [Property(RequestProperties.Link)] BlobLinkTarget link,
        [Property(RequestProperties.Endpoint)] BlobEndpoint endpoint,
        CancellationToken cancellationToken);

    [Put("")]
    Task<IApiResponse> PutBlobAsync(
        [Url] Uri url,
        [Header(BlobHeaders.Digest)] string? digest,
        [Body] HttpContent content,
        [Property(RequestProperties.Endpoint)] BlobEndpoint endpoint,
        CancellationToken cancellationToken);

    [Head("")]
    Task<IApiResponse> HeadBlobAsync(
        [Url] Uri url,
        [Property(RequestProperties.Endpoint)] BlobEndpoint endpoint,
        CancellationToken cancellationToken);

    [Get("")]
    Task<HttpResponseMessage> GetBlobAsync(
        [Url] Uri url,
        [Header("Range")] string? range,
        [Property(RequestProperties.Endpoint)] BlobEndpoint endpoint,
        CancellationToken cancellationToken);

    [Delete("")]
    Task<IApiResponse> DeleteBlobAsync(
        [Url] Uri url,
        [Property(RequestProperties.Endpoint)] BlobEndpoint endpoint,
        CancellationToken cancellationToken);
}
