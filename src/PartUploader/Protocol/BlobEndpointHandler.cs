using System.Net;
using System.Net.Http.Headers;

namespace PartUploader.Internal.Protocol;

/// <summary>
/// Does for blob requests what Refit cannot: applies a link's method, adds the bearer token for the
/// trusted host only, holds a place in the request window, refreshes the token once on 401 (except for
/// part uploads), and follows storage redirects without the token.
/// </summary>
/// <remarks>
/// Every URL arrives absolute (<see cref="BlobUrls"/>; Refit's <c>[Url]</c>). A target on any other host
/// than the base URL's is refused before a byte is sent, so the token never leaves the trusted host. This handler
/// never re-sends a part upload: a part's retry must take a fresh number (spec 2.2, 5).
/// </remarks>
internal sealed class BlobEndpointHandler : DelegatingHandler
{
    private const int MaxRedirects = 5;
    private readonly BearerHeader _bearer = new();

    public BlobEndpointHandler(HttpMessageHandler innerHandler)
        : base(innerHandler)
    {
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(RequestProperties.EndpointKey, out BlobEndpoint? endpoint) || endpoint is null)
        {
            throw new InvalidOperationException("A blob request was sent without its endpoint.");
        }

        if (request.Options.TryGetValue(RequestProperties.LinkKey, out BlobLinkTarget? link) && link is not null)
        {
            // The service names each link's method (spec 2.1); a Refit attribute cannot.
            request.Method = HttpMethod.Parse(link.Method.ToUpperInvariant());
        }

        Uri target = request.RequestUri ?? throw new InvalidOperationException("A blob request has no URI.");
        EnsureTrusted(target, endpoint.BaseUrl);

        AccessToken token = await endpoint.Tokens.GetTokenAsync(forceRefresh: false, cancellationToken).ConfigureAwait(false);
        _bearer.Set(request.Headers, token.Value);

        // A batch shares one window of requests in flight across all its blobs. The place is held until the answer has
        // ended, not only until its headers arrived: a service counts a request in flight until its response is over, so
        // a place given back at the headers lets the next request arrive while the service still counts this one.
        using RequestWindow.Lease? lease = endpoint.Window is null ? null : await endpoint.Window.EnterAsync(cancellationToken).ConfigureAwait(false);
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (lease is not null)
        {
            await ReadSmallAnswerAsync(request, response, cancellationToken).ConfigureAwait(false);
            // The window adapts (AIMD): a throttled answer halves it and pauses new sends for the asked time.
            if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
            {
                endpoint.Window!.OnThrottled(lease, RetryAfterOf(response, endpoint.Window.Clock), request, response);
            }
            else
            {
                endpoint.Window!.OnSuccess(lease);
            }
        }

        if (response.StatusCode == HttpStatusCode.Unauthorized && endpoint.ResendOnUnauthorized)
        {
            response.Dispose();
            token = await endpoint.Tokens.GetTokenAsync(forceRefresh: true, cancellationToken).ConfigureAwait(false);
            HttpRequestMessage again = Clone(request, target);
            _bearer.Set(again.Headers, token.Value);
            response = await base.SendAsync(again, cancellationToken).ConfigureAwait(false);
        }

        // A caller's HttpClient may follow redirects by itself: an answer from another host is not the service's
        // answer to a write or a link call (a storage redirect is only expected for GET).
        if (request.Method != HttpMethod.Get && request.Method != HttpMethod.Head
            && response.RequestMessage?.RequestUri is Uri answeredBy && !IsSameOrigin(answeredBy, endpoint.BaseUrl))
        {
            response.Dispose();
            throw Refused("The request was redirected to another host than the blob base URL; its answer was not used", "Redirect", PartUploadErrorCodes.UntrustedHost);
        }

        return await FollowRedirectsAsync(request, response, endpoint, token, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The largest answer body read to its end while the request still holds its place in the window.</summary>
    internal const long WindowedBodyLimit = 64 * 1024;

    /// <summary>
    /// Reads a small answer's body (known length up to <see cref="WindowedBodyLimit"/>) into memory, so its request leaves
    /// the window when the answer has ended. A GET's body (a download) is streamed by its reader and not waited for; an
    /// answer of unknown or larger length is left as is (its reader applies its own size cap).
    /// </summary>
    private static async Task ReadSmallAnswerAsync(HttpRequestMessage request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (request.Method == HttpMethod.Get || response.Content is null
            || response.Content.Headers.ContentLength is not long length || length <= 0 || length > WindowedBodyLimit)
        {
            return;
        }

        try
        {
            await response.Content.LoadIntoBufferAsync(WindowedBodyLimit, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            // A body cut short: left to the caller's reader, which reports it as it would without the window.
        }
    }

    /// <summary>The answer's <c>Retry-After</c> as a delay (seconds or a date), or null.</summary>
    internal static TimeSpan? RetryAfterOf(HttpResponseMessage response, TimeProvider time) => response.Headers.RetryAfter switch
    {
        { Delta: TimeSpan delta } => delta,
        { Date: DateTimeOffset date } => date - time.GetUtcNow(),
        _ => null,
    };

    private static void EnsureTrusted(Uri target, Uri baseUrl)
    {
        if (!IsSameOrigin(target, baseUrl))
        {
            throw Refused("The service pointed a request at another host than the blob base URL; it was not sent, so the access token stays on the trusted host", "ResolveLink", PartUploadErrorCodes.UntrustedHost);
        }
    }

    private static PartUploadException Refused(string summary, string operation, string code) => BlobUrls.Refused(summary, operation, code);

    internal static bool IsSameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;

    private async Task<HttpResponseMessage> FollowRedirectsAsync(
        HttpRequestMessage original,
        HttpResponseMessage response,
        BlobEndpoint endpoint,
        AccessToken token,
        CancellationToken cancellationToken)
    {
        for (int hop = 0; hop < MaxRedirects && IsRedirect(response.StatusCode) && original.Method == HttpMethod.Get; hop++)
        {
            Uri? location = response.Headers.Location;
            if (location is null)
            {
                return response;
            }

            Uri current = original.RequestUri!;
            Uri next = location.IsAbsoluteUri ? location : new Uri(current, location);
            response.Dispose();

            using var redirected = new HttpRequestMessage(HttpMethod.Get, next);
            foreach (KeyValuePair<string, IEnumerable<string>> header in original.Headers)
            {
                if (!string.Equals(header.Key, "Authorization", StringComparison.OrdinalIgnoreCase))
                {
                    redirected.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
            }

            // The token goes only to the blob host; a storage URL on another host gets none (spec 3).
            if (IsSameOrigin(next, endpoint.BaseUrl))
            {
                _bearer.Set(redirected.Headers, token.Value);
            }

            response = await base.SendAsync(redirected, cancellationToken).ConfigureAwait(false);
            original.RequestUri = next;
        }

        return response;
    }

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    /// <summary>Adds a header's values as they are; a single value as the string it is (no boxed enumeration per header).</summary>
    internal static void CopyHeader(HttpHeaders to, string name, HeaderStringValues values)
    {
        if (values.Count == 1)
        {
            to.TryAddWithoutValidation(name, values.ToString());
        }
        else
        {
            to.TryAddWithoutValidation(name, values);
        }
    }

    internal static HttpRequestMessage Clone(HttpRequestMessage request, Uri target)
    {
        var clone = new HttpRequestMessage(request.Method, target)
        {
            Content = request.Content,
            Version = request.Version,
            VersionPolicy = request.VersionPolicy,
        };
        // NonValidated: copied as they are, without parsing every header value again (issue 14: in a batch of small
        // files the parsing, under the headers' own locks, showed in the profile of every request).
        foreach (KeyValuePair<string, HeaderStringValues> header in request.Headers.NonValidated)
        {
            CopyHeader(clone.Headers, header.Key, header.Value);
        }

        foreach (KeyValuePair<string, object?> option in request.Options)
        {
            ((IDictionary<string, object?>)clone.Options)[option.Key] = option.Value;
        }

        return clone;
    }
}

/// <summary>The innermost handler: forwards each request to the transport <see cref="HttpClient"/> (from the caller or IHttpClientFactory).</summary>
/// <remarks>An <see cref="HttpClient"/> sends a request message once only, so the transport gets a shallow copy.</remarks>
internal sealed class TransportHandler(HttpClient transport) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        transport.SendAsync(BlobEndpointHandler.Clone(request, request.RequestUri!), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
}
