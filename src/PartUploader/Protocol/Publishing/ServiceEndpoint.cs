namespace PartUploader.Internal.Protocol.Publishing;

/// <summary>The API a request goes to and how it is authorized: the token is sent to <paramref name="BaseUrl"/>'s origin only.</summary>
/// <param name="BaseUrl">The looked-up base URL of the API.</param>
/// <param name="Tokens">The bearer token source.</param>
/// <param name="MaxResponseBytes">The most bytes of an answer read (JSON is capped; a metadata page may be larger).</param>
internal sealed record ServiceEndpoint(Uri BaseUrl, AccessTokenSource Tokens, int MaxResponseBytes = BoundedBody.DefaultMaxBytes)
{
    public const string Key = "PartUploader.ServiceEndpoint";

    public static readonly HttpRequestOptionsKey<ServiceEndpoint> OptionsKey = new(Key);

    /// <summary>The URL of a path below the base URL; each segment is escaped (ids are opaque, publish spec 1.0).</summary>
    public Uri Url(params string[] segments)
    {
        string basePath = BaseUrl.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped).TrimEnd('/');
        return new Uri(basePath + string.Concat(segments.Select(s => "/" + Uri.EscapeDataString(s))), UriKind.Absolute);
    }

    /// <summary>Resolves a <c>next</c> link: a path relative to the base URL, or an absolute URL on the same origin.</summary>
    public Uri? ResolveNext(string next)
    {
        if (Uri.TryCreate(next, UriKind.Absolute, out Uri? absolute) && absolute.Scheme is "http" or "https")
        {
            return BlobEndpointHandler.IsSameOrigin(absolute, BaseUrl) ? absolute : null;
        }

        string basePath = BaseUrl.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped).TrimEnd('/');
        return Uri.TryCreate(basePath + "/" + next.TrimStart('/'), UriKind.Absolute, out Uri? relative) ? relative : null;
    }
}
