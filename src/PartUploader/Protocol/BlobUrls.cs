using System.Globalization;
using System.Text;

namespace PartUploader.Internal.Protocol;

/// <summary>
/// The absolute URL of every blob call, built before the request exists and handed to Refit as a <c>[Url]</c>
/// argument: routes under the blob base URL, and link hrefs exactly as the service gave them (spec 2.1).
/// </summary>
internal static class BlobUrls
{
    /// <summary>The blob's route, <c>{base}/layers/{layerId}/data/{dataHandle}</c> (plus <c>/multiparts</c> for the start call).</summary>
    /// <exception cref="PartUploadException">An identifier would change the path (<see cref="PartUploadErrorCodes.InvalidPath"/>); nothing was sent.</exception>
    public static Uri Route(Uri baseUrl, string layerId, string dataHandle, string? billingTag, bool start = false)
    {
        string basePath = baseUrl.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped).TrimEnd('/');
        var url = new StringBuilder(basePath)
            .Append("/layers/").Append(Uri.EscapeDataString(layerId))
            .Append("/data/").Append(Uri.EscapeDataString(dataHandle));
        if (start)
        {
            url.Append("/multiparts");
        }

        var target = new Uri(WithQuery(url.ToString(), Query(billingTag)), UriKind.Absolute);
        EnsureRouteShape(target, baseUrl, start ? HttpMethod.Post : HttpMethod.Put);
        return target;
    }

    /// <summary>A link's href (absolute as is, host-relative against the base URL's origin) with the call's query appended.</summary>
    public static Uri Link(BlobLinkTarget link, Uri baseUrl, string? billingTag, int? partNumber = null)
    {
        Uri href = ResolveHref(link.Href, baseUrl);
        string query = Query(billingTag, partNumber);
        return query.Length == 0 ? href : AppendQuery(href, query);
    }

    /// <summary>Resolves an href as the service gave it: absolute as is, host-relative against the base URL's origin.</summary>
    internal static Uri ResolveHref(string href, Uri baseUrl)
    {
        if (Uri.TryCreate(href, UriKind.Absolute, out Uri? absolute) && (absolute.Scheme == Uri.UriSchemeHttp || absolute.Scheme == Uri.UriSchemeHttps))
        {
            return absolute;
        }

        if (href.StartsWith('/') && !href.StartsWith("//", StringComparison.Ordinal))
        {
            return new Uri(baseUrl.GetLeftPart(UriPartial.Authority) + href, UriKind.Absolute);
        }

        throw Refused("The service returned a link that is neither absolute nor host-relative", "ResolveLink", PartUploadErrorCodes.InvalidLink);
    }

    /// <summary>
    /// Refuses a route whose path after the base path is not exactly <c>layers/{layerId}/data/{dataHandle}</c>
    /// (plus <c>/multiparts</c> for the start call, the only route POST): an identifier that is a dot segment
    /// (removed by URI normalization), empty, or holds an escaped <c>/</c> or <c>\</c> would otherwise address
    /// another resource of the same host with the bearer token. The upload validation refuses such
    /// identifiers first; this check holds even if it were bypassed.
    /// </summary>
    internal static void EnsureRouteShape(Uri target, Uri baseUrl, HttpMethod method)
    {
        string basePath = baseUrl.AbsolutePath.TrimEnd('/') + "/";
        string path = target.AbsolutePath;
        bool ok = path.StartsWith(basePath, StringComparison.Ordinal);
        if (ok)
        {
            string[] segments = path[basePath.Length..].Split('/');
            bool start = method == HttpMethod.Post;
            ok = segments.Length == (start ? 5 : 4)
                && segments[0] == "layers" && IsIdentifierSegment(segments[1])
                && segments[2] == "data" && IsIdentifierSegment(segments[3])
                && (!start || segments[4] == "multiparts");
        }

        if (!ok)
        {
            throw Refused(
                "The request path does not have the route's structure (an identifier is empty, a dot segment, or holds an escaped '/' or '\\'); it was not sent",
                "BuildRequest",
                PartUploadErrorCodes.InvalidPath);
        }
    }

    /// <summary>A request refused before it was sent: message and properties from the same facts.</summary>
    internal static PartUploadException Refused(string summary, string operation, string code) => ErrorFactory.Refused(summary, operation, code);

    private static bool IsIdentifierSegment(string segment)
    {
        string unescaped = Uri.UnescapeDataString(segment);
        return unescaped.Length > 0
            && !Internal.Validation.UploadValidation.IsDotsOnly(unescaped)
            && unescaped.AsSpan().IndexOfAny('/', '\\') < 0;
    }

    private static string Query(string? billingTag, int? partNumber = null)
    {
        var query = new StringBuilder();
        if (partNumber is int number)
        {
            query.Append("partNumber=").Append(number.ToString(CultureInfo.InvariantCulture));
        }

        if (billingTag is not null)
        {
            query.Append(query.Length > 0 ? "&" : string.Empty).Append("billingTag=").Append(Uri.EscapeDataString(billingTag));
        }

        return query.ToString();
    }

    private static string WithQuery(string url, string query) => query.Length == 0 ? url : url + "?" + query;

    private static Uri AppendQuery(Uri href, string extra)
    {
        string existing = href.Query;
        string combined = string.IsNullOrEmpty(existing) || existing == "?" ? "?" + extra : existing + "&" + extra;
        var builder = new UriBuilder(href) { Query = combined.TrimStart('?') };
        return builder.Uri;
    }
}
