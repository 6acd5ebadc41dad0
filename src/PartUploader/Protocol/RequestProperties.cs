namespace PartUploader.Internal.Protocol;

/// <summary>Keys of the request properties that carry the real target of a request to <see cref="BlobEndpointHandler"/>.</summary>
internal static class RequestProperties
{
    public const string Endpoint = "PartUploader.Endpoint";
    public const string Link = "PartUploader.Link";

    /// <summary>
    /// The Refit client's base address. Refit insists on one even when every call passes its absolute URL as a
    /// <c>[Url]</c> argument, as every blob call does: nothing is ever sent to it, and no URL is rewritten.
    /// </summary>
    public static readonly Uri UnusedBaseAddress = new("http://blob-endpoint.invalid/");

    public static readonly HttpRequestOptionsKey<BlobEndpoint> EndpointKey = new(Endpoint);
    public static readonly HttpRequestOptionsKey<BlobLinkTarget> LinkKey = new(Link);
}

/// <summary>Where blob calls go and how they are authorized.</summary>
/// <param name="BaseUrl">The catalog's blob v1 base URL, e.g. <c>https://host/blobstore/v1/catalogs/{hrn}</c>.</param>
/// <param name="Tokens">The bearer token source; tokens are sent only to <paramref name="BaseUrl"/>'s host.</param>
/// <param name="ResendOnUnauthorized">True to refresh the token and re-send once on 401; false for part uploads, whose retry must take a fresh number.</param>
/// <param name="Window">The window of requests in flight a batch shares, or null for none.</param>
internal sealed record BlobEndpoint(Uri BaseUrl, AccessTokenSource Tokens, bool ResendOnUnauthorized = true, RequestWindow? Window = null)
{
    public BlobEndpoint ForPartUploads() => this with { ResendOnUnauthorized = false };
}

/// <summary>A link from the start response, kept as given (spec 2.1).</summary>
/// <param name="Href">The href, absolute or host-relative.</param>
/// <param name="Method">The link's method.</param>
internal sealed record BlobLinkTarget(string Href, string Method);
