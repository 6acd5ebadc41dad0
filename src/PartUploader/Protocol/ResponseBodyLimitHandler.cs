using System.Net.Http.Headers;

namespace PartUploader.Internal.Protocol;

/// <summary>
/// Buffers every blob answer except a blob's bytes with a size cap (<see cref="BoundedBody.DefaultMaxBytes"/> by
/// default), so that Refit deserializes JSON and reads error bodies from memory that is bounded.
/// </summary>
/// <remarks>
/// A successful answer beyond the cap is a <see cref="PartUploadException"/> with
/// <see cref="PartUploadErrorCodes.MalformedResponse"/>, and reading stops there. A failed answer beyond the cap keeps its
/// status with an empty body: error bodies are optional (spec 1), so its status still decides, and a transient one
/// is retried. The body of a successful blob GET streams to the caller untouched; HEAD answers pass as they are.
/// </remarks>
internal sealed class ResponseBodyLimitHandler : DelegatingHandler
{
    private readonly int _maxBytes;

    public ResponseBodyLimitHandler(HttpMessageHandler innerHandler, int maxBytes = BoundedBody.DefaultMaxBytes)
        : base(innerHandler)
    {
        _maxBytes = maxBytes;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // A GET of a route (not a link: the status call is a link) is a blob download, whose body is the blob.
        // A HEAD answer has no body (its Content-Length is the blob's).
        // Publish, metadata, query, index and config answers are JSON, read up to their endpoint's cap.
        bool json = request.Options.TryGetValue(Publishing.ServiceEndpoint.OptionsKey, out Publishing.ServiceEndpoint? service) && service is not null;
        bool blobBytes = !json && request.Method == HttpMethod.Get && !request.Options.TryGetValue(RequestProperties.LinkKey, out _);
        bool noBody = request.Method == HttpMethod.Head;
        int maxBytes = json ? service!.MaxResponseBytes : _maxBytes;
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if ((blobBytes && response.IsSuccessStatusCode) || noBody || response.Content is null)
        {
            return response;
        }

        try
        {
            byte[]? body = await BoundedBody.ReadAsync(response.Content, maxBytes, cancellationToken).ConfigureAwait(false);
            if (body is null && response.IsSuccessStatusCode)
            {
                int status = (int)response.StatusCode;
                throw ErrorFactory.Refused(
                    $"The service's answer is larger than {maxBytes} bytes, the most the client reads of an answer; it was not read further", "ReadResponse", PartUploadErrorCodes.MalformedResponse, status);
            }

            Replace(response, body ?? []);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private static void Replace(HttpResponseMessage response, byte[] body)
    {
        HttpContent original = response.Content;
        var buffered = new ByteArrayContent(body);
        foreach (KeyValuePair<string, HeaderStringValues> header in original.Headers.NonValidated)
        {
            if (!string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                BlobEndpointHandler.CopyHeader(buffered.Headers, header.Key, header.Value);
            }
        }

        response.Content = buffered;
        original.Dispose();
    }
}
