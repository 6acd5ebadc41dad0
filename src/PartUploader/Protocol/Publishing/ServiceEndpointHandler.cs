using System.Net;
using System.Net.Http.Headers;

namespace PartUploader.Internal.Protocol.Publishing;

/// <summary>
/// Authorizes publish, index, metadata, query and config requests: the bearer token goes only to the
/// origin of the request's <see cref="ServiceEndpoint"/>, a 401 refreshes the token and re-sends once
/// (every body of these APIs is buffered JSON), and the answer is read with the endpoint's size cap.
/// </summary>
internal sealed class ServiceEndpointHandler(HttpMessageHandler innerHandler) : DelegatingHandler(innerHandler)
{
    private readonly BearerHeader _bearer = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(ServiceEndpoint.OptionsKey, out ServiceEndpoint? endpoint) || endpoint is null || request.RequestUri is null)
        {
            throw new InvalidOperationException("A service request was sent without its endpoint.");
        }

        if (!BlobEndpointHandler.IsSameOrigin(request.RequestUri, endpoint.BaseUrl))
        {
            throw ErrorFactory.Refused("The request's target is not on the API's host; it was not sent", "BuildRequest", PartUploadErrorCodes.UntrustedHost);
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        AccessToken token = await endpoint.Tokens.GetTokenAsync(forceRefresh: false, cancellationToken).ConfigureAwait(false);
        _bearer.Set(request.Headers, token.Value);
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            response.Dispose();
            token = await endpoint.Tokens.GetTokenAsync(forceRefresh: true, cancellationToken).ConfigureAwait(false);
            using HttpRequestMessage again = BlobEndpointHandler.Clone(request, request.RequestUri);
            _bearer.Set(again.Headers, token.Value);
            response = await base.SendAsync(again, cancellationToken).ConfigureAwait(false);
        }

        return response;
    }
}
