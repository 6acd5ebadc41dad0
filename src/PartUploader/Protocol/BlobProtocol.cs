using System.Net;
using Refit;

namespace PartUploader.Internal.Protocol;

/// <summary>
/// Typed blob v1 calls over <see cref="IBlobApi"/>: validates what the service returns and maps every
/// failure to the <see cref="PartUploadException"/> family, copying only non-secret facts.
/// </summary>
internal sealed class BlobProtocol(IBlobApi api, TimeProvider timeProvider)
{
    public const string OpStart = "StartMultipart";
    public const string OpUploadPart = "UploadPart";
    public const string OpComplete = "CompleteMultipart";
    public const string OpStatus = "GetStatus";
    public const string OpCancel = "CancelMultipart";
    public const string OpPut = "PutBlob";
    public const string OpHead = "HeadBlob";
    public const string OpGet = "GetBlob";
    public const string OpDelete = "DeleteBlob";

    public TimeProvider TimeProvider => timeProvider;

    public async Task<MultipartUpload> StartAsync(
        BlobEndpoint endpoint, string layerId, string dataHandle, string contentType, string? contentEncoding, string? billingTag, CancellationToken cancellationToken)
    {
        var body = new StartMultipartRequest { ContentType = contentType, ContentEncoding = contentEncoding };
        using IApiResponse<StartMultipartResponse> response = await Unwrap(
            api.StartMultipartUploadAsync(BlobUrls.Route(endpoint.BaseUrl, layerId, dataHandle, billingTag, start: true), body, endpoint, cancellationToken)).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw CreateException(OpStart, ServiceError.From(response, timeProvider), dataHandle, null, null);
        }

        if (response.Error is not null)
        {
            throw Malformed(OpStart, (int)(response.StatusCode ?? 0), dataHandle, "its body is not valid JSON");
        }

        MultipartLinks? links = response.Content?.Links;
        BlobLinkTarget uploadPart = RequireLink(links?.UploadPart, "uploadPart", "POST", endpoint, dataHandle);
        BlobLinkTarget complete = RequireLink(links?.Complete, "complete", "PUT", endpoint, dataHandle);
        BlobLinkTarget status = RequireLink(links?.Status, "status", "GET", endpoint, dataHandle);
        BlobLinkTarget delete = RequireLink(links?.Delete, "delete", "DELETE", endpoint, dataHandle);
        return new MultipartUpload(DeriveUploadId(status.Href), uploadPart, complete, status, delete);
    }

    /// <summary>Sends one part attempt. Returns the service's answer; throws only when no answer came (transport failure).</summary>
    public async Task<PartAttemptResult> UploadPartAsync(
        BlobEndpoint endpoint, MultipartUpload upload, int partNumber, HttpContent content, string? digest, string? billingTag, CancellationToken cancellationToken)
    {
        using IApiResponse response = await Unwrap(
            api.UploadPartAsync(BlobUrls.Link(upload.UploadPart, endpoint.BaseUrl, billingTag, partNumber), upload.UploadPart, digest, content, endpoint, cancellationToken)).ConfigureAwait(false);
        int status = (int)(response.StatusCode ?? 0);
        if (response.IsSuccessStatusCode)
        {
            // The ETag is kept byte for byte, quotes included (spec 2.2, U6).
            string? etag = response.Headers.TryGetValues("ETag", out IEnumerable<string>? values) ? values.FirstOrDefault() : null;
            return new PartAttemptResult(status, string.IsNullOrEmpty(etag) ? null : etag, default);
        }

        return new PartAttemptResult(status, null, ServiceError.From(response, timeProvider));
    }

    public async Task CompleteAsync(
        BlobEndpoint endpoint, MultipartUpload upload, IReadOnlyList<CompletedPart> parts, string? billingTag, string dataHandle, CancellationToken cancellationToken)
    {
        var body = new CompleteMultipartRequest { Parts = parts };
        using IApiResponse response = await Unwrap(
            api.CompleteMultipartUploadAsync(BlobUrls.Link(upload.Complete, endpoint.BaseUrl, billingTag), upload.Complete, body, endpoint, cancellationToken)).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw CreateException(OpComplete, ServiceError.From(response, timeProvider), dataHandle, upload.UploadId, null);
        }
    }

    public async Task<string> GetStatusAsync(
        BlobEndpoint endpoint, MultipartUpload upload, string? billingTag, string dataHandle, CancellationToken cancellationToken)
    {
        using IApiResponse<MultipartStatusResponse> response = await Unwrap(
            api.GetMultipartStatusAsync(BlobUrls.Link(upload.Status, endpoint.BaseUrl, billingTag), upload.Status, endpoint, cancellationToken)).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw CreateException(OpStatus, ServiceError.From(response, timeProvider), dataHandle, upload.UploadId, null);
        }

        string? status = response.Error is null ? response.Content?.Status : null;
        return string.IsNullOrWhiteSpace(status)
            ? throw Malformed(OpStatus, (int)(response.StatusCode ?? 0), dataHandle, "it has no status")
            : status;
    }

    /// <summary>Cancels a multipart upload: true when the service cancelled it, false when it answered 404 (no such upload: already completed or cancelled).</summary>
    public async Task<bool> CancelAsync(
        BlobEndpoint endpoint, MultipartUpload upload, string? billingTag, string dataHandle, CancellationToken cancellationToken)
    {
        using IApiResponse response = await Unwrap(
            api.CancelMultipartUploadAsync(BlobUrls.Link(upload.Delete, endpoint.BaseUrl, billingTag), upload.Delete, endpoint, cancellationToken)).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotFound)
        {
            throw CreateException(OpCancel, ServiceError.From(response, timeProvider), dataHandle, upload.UploadId, null);
        }

        return response.IsSuccessStatusCode;
    }

    /// <summary>Single PUT. Returns the status and error; the caller decides whether to retry.</summary>
    public async Task<PartAttemptResult> PutAsync(
        BlobEndpoint endpoint, string layerId, string dataHandle, HttpContent content, string? digest, string? billingTag, CancellationToken cancellationToken)
    {
        using IApiResponse response = await Unwrap(
            api.PutBlobAsync(BlobUrls.Route(endpoint.BaseUrl, layerId, dataHandle, billingTag), digest, content, endpoint, cancellationToken)).ConfigureAwait(false);
        int status = (int)(response.StatusCode ?? 0);
        return response.IsSuccessStatusCode
            ? new PartAttemptResult(status, string.Empty, default)
            : new PartAttemptResult(status, null, ServiceError.From(response, timeProvider));
    }

    public async Task<bool> ExistsAsync(
        BlobEndpoint endpoint, string layerId, string dataHandle, string? billingTag, CancellationToken cancellationToken)
    {
        using IApiResponse response = await Unwrap(api.HeadBlobAsync(BlobUrls.Route(endpoint.BaseUrl, layerId, dataHandle, billingTag), endpoint, cancellationToken)).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        return response.IsSuccessStatusCode
            ? true
            : throw CreateException(OpHead, ServiceError.From(response, timeProvider), dataHandle, null, null);
    }

    /// <summary>GET, optionally with a single range. The caller owns and disposes the response (its body streams).</summary>
    public async Task<HttpResponseMessage> GetAsync(
        BlobEndpoint endpoint, string layerId, string dataHandle, string? range, string? billingTag, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await api.GetBlobAsync(BlobUrls.Route(endpoint.BaseUrl, layerId, dataHandle, billingTag), range, endpoint, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiRequestException ex) when (ex.InnerException is not null)
        {
            throw Rethrowable(ex.InnerException);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            string? body = response.Content is null ? null : await ReadSmallBodyAsync(response.Content, cancellationToken).ConfigureAwait(false);
            ServiceError error = ServiceError.From((int)response.StatusCode, response.Headers, body, timeProvider) with
            {
                WindowWaits = RequestWindow.CooldownTaken(response.RequestMessage),
            };
            throw CreateException(OpGet, error, dataHandle, null, null);
        }
    }

    public async Task DeleteAsync(
        BlobEndpoint endpoint, string layerId, string dataHandle, string? billingTag, CancellationToken cancellationToken)
    {
        using IApiResponse response = await Unwrap(api.DeleteBlobAsync(BlobUrls.Route(endpoint.BaseUrl, layerId, dataHandle, billingTag), endpoint, cancellationToken)).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw CreateException(OpDelete, ServiceError.From(response, timeProvider), dataHandle, null, null);
        }
    }

    /// <summary>Maps a failed response to the exception family; subtypes only where callers act differently.</summary>
    public static PartUploadException CreateException(string operation, ServiceError error, string? dataHandle, string? uploadId, int? partNumber)
    {
        string summary = error.Status switch
        {
            401 => "The service rejected the access token (401)",
            403 => "The credentials may not access this catalog or layer (403)",
            404 when uploadId is not null => "The multipart upload no longer exists on the service (404)",
            404 => "The catalog, layer or blob was not found (404)",
            409 => "The data handle already holds a blob (409); data handles cannot be reused",
            _ => $"The service answered {error.Status} to {operation}",
        };
        ErrorKind kind = error.Status switch
        {
            409 => ErrorKind.BlobExists,
            404 when uploadId is not null => ErrorKind.UploadNotFound,
            _ => ErrorKind.General,
        };
        var facts = new ErrorFacts(summary, operation, error.Code, error.Status) { DataHandle = dataHandle, UploadId = uploadId, PartNumber = partNumber };

        // Retry-After and the window's wait travel with the error: a runner retrying it honours them.
        return ErrorFactory.Create(error.Describe(facts) with { RetryAfter = error.RetryAfter, WindowWaits = error.WindowWaits }, kind);
    }

    private static PartUploadException Malformed(string operation, int status, string dataHandle, string what) =>
        ErrorFactory.Malformed(operation, status, dataHandle, what);

    private static BlobLinkTarget RequireLink(BlobLink? link, string name, string defaultMethod, BlobEndpoint endpoint, string dataHandle)
    {
        if (link is null || string.IsNullOrWhiteSpace(link.Href))
        {
            throw Malformed(OpStart, 200, dataHandle, $"the '{name}' link is missing");
        }

        string method = string.IsNullOrWhiteSpace(link.Method) ? defaultMethod : link.Method.Trim().ToUpperInvariant();
        if (method is not ("GET" or "POST" or "PUT" or "DELETE" or "PATCH"))
        {
            throw Malformed(OpStart, 200, dataHandle, $"the '{name}' link has an unusable method");
        }

        Uri resolved = BlobUrls.ResolveHref(link.Href, endpoint.BaseUrl);
        if (!BlobEndpointHandler.IsSameOrigin(resolved, endpoint.BaseUrl))
        {
            throw ErrorFactory.Refused(
                $"The service's '{name}' link points at another host than the blob base URL; the upload was not continued so the access token stays on the trusted host",
                OpStart,
                PartUploadErrorCodes.UntrustedHost,
                status: 200,
                dataHandle: dataHandle);
        }

        return new BlobLinkTarget(link.Href, method);
    }

    /// <summary>The upload's id for logs and errors: the path segment after <c>/multiparts/</c>, never a query string.</summary>
    internal static string DeriveUploadId(string statusHref)
    {
        string path = statusHref;
        int q = path.IndexOfAny(['?', '#']);
        if (q >= 0)
        {
            path = path[..q];
        }

        const string Marker = "/multiparts/";
        int at = path.LastIndexOf(Marker, StringComparison.Ordinal);
        string id = at >= 0 ? path[(at + Marker.Length)..].Trim('/') : string.Empty;
        int slash = id.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            id = id[..slash];
        }

        return id.Length is > 0 and <= 200 ? id : "upload";
    }

    /// <summary>Rethrows a transport failure Refit folded into a response (no answer was received), so that callers see the network error.</summary>
    internal static async Task<T> Unwrap<T>(Task<T> call)
        where T : IApiResponse
    {
        T response;
        try
        {
            response = await call.ConfigureAwait(false);
        }
        catch (ApiRequestException ex) when (ex.InnerException is not null)
        {
            throw Rethrowable(ex.InnerException);
        }

        if (!response.IsReceived && response.Error is ApiRequestException { InnerException: { } inner })
        {
            response.Dispose();
            throw Rethrowable(inner);
        }

        return response;
    }

    private static Exception Rethrowable(Exception inner)
    {
        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(inner).Throw();
        return inner;
    }

    private static async Task<string?> ReadSmallBodyAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength is > 16 * 1024)
        {
            return null;
        }

        try
        {
            return await content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
