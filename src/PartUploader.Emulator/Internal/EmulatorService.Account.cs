using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace PartUploader.Emulator.Internal;

internal sealed partial class EmulatorService
{
    private const int MaxTokenBody = 64 * 1024;

    /// <summary>POST /oauth2/token (spec 8).</summary>
    public async Task TokenAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        if (request.ContentLength is > MaxTokenBody)
        {
            await ErrorWriter.WriteAccountAsync(context, 400, 400200, "The request body is too large.").ConfigureAwait(false);
            return;
        }

        string body = await ReadSmallBodyAsync(context).ConfigureAwait(false);
        string mediaType = (request.ContentType ?? string.Empty).Split(';')[0].Trim();
        bool isJson = string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase);
        bool isForm = string.Equals(mediaType, "application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
        if ((isJson && !Options.TokenBodyFormats.HasFlag(TokenBodyFormats.Json)) || (isForm && !Options.TokenBodyFormats.HasFlag(TokenBodyFormats.Form)) || (!isJson && !isForm))
        {
            await ErrorWriter.WriteAccountAsync(context, 400, 400200, "The request body format is not accepted.").ConfigureAwait(false);
            return;
        }

        List<KeyValuePair<string, string>> query = [.. request.Query.SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string>(q.Key, v ?? string.Empty)))];
        List<IReadOnlyList<KeyValuePair<string, string>>> parameterSets = [];
        string? grantType;
        long? requestedSeconds = null;
        if (isForm)
        {
            Dictionary<string, Microsoft.Extensions.Primitives.StringValues> form = QueryHelpers.ParseQuery(body);
            List<KeyValuePair<string, string>> formPairs = [.. form.SelectMany(f => f.Value.Select(v => new KeyValuePair<string, string>(f.Key, v ?? string.Empty)))];
            parameterSets.Add([.. query, .. formPairs]);
            parameterSets.Add([.. query, new("grant_type", "client_credentials")]);
            grantType = form.TryGetValue("grant_type", out Microsoft.Extensions.Primitives.StringValues g) ? g.ToString() : null;
            if (form.TryGetValue("expires_in", out Microsoft.Extensions.Primitives.StringValues e))
            {
                requestedSeconds = long.TryParse(e.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out long s) ? s : -1;
            }
        }
        else
        {
            parameterSets.Add(query);
            grantType = null;
            try
            {
                using JsonDocument document = JsonDocument.Parse(body);
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    if (document.RootElement.TryGetProperty("grantType", out JsonElement g) && g.ValueKind == JsonValueKind.String)
                    {
                        grantType = g.GetString();
                    }

                    if (document.RootElement.TryGetProperty("expiresIn", out JsonElement e))
                    {
                        requestedSeconds = e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long s) ? s : -1;
                    }
                }
            }
            catch (JsonException)
            {
                grantType = null;
            }
        }

        string path = $"{request.PathBase}{request.Path}";
        string host = request.Host.Value ?? string.Empty;
        List<string> baseUrls = [$"{request.Scheme.ToLowerInvariant()}://{host.ToLowerInvariant()}{path}", $"{request.Scheme}://{host}{path}"];
        OAuthCheck check = OAuth.Verify(request.Headers.Authorization.ToString(), [.. baseUrls.Distinct(StringComparer.Ordinal)], parameterSets);
        if (!check.IsValid)
        {
            await ErrorWriter.WriteAccountAsync(context, 401, check.ErrorCode, check.Message).ConfigureAwait(false);
            return;
        }

        if (!string.Equals(grantType, "client_credentials", StringComparison.Ordinal))
        {
            await ErrorWriter.WriteAccountAsync(context, 400, 400200, "grant_type must be client_credentials.").ConfigureAwait(false);
            return;
        }

        if (requestedSeconds is <= 0 or > 86_400)
        {
            await ErrorWriter.WriteAccountAsync(context, 400, 400200, "expires_in must be between 1 and 86400 seconds.").ConfigureAwait(false);
            return;
        }

        TimeSpan lifetime = Options.TokenLifetime;
        if (requestedSeconds is long seconds && TimeSpan.FromSeconds(seconds) < lifetime)
        {
            lifetime = TimeSpan.FromSeconds(seconds);
        }

        string token = Tokens.Issue(lifetime, null);
        long expiresIn = (long)lifetime.TotalSeconds;
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        string json = isJson
            ? JsonSerializer.Serialize(new JsonTokenResponse(token, "bearer", expiresIn), EmulatorJsonContext.Default.JsonTokenResponse)
            : JsonSerializer.Serialize(new FormTokenResponse(token, "bearer", expiresIn), EmulatorJsonContext.Default.FormTokenResponse);
        await context.Response.WriteAsync(json, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>GET /lookup/v1/resources/{hrn}/apis[/{api}/{version}] (spec 7; publish-v2 1.0, 2, 4, P27).</summary>
    public async Task LookupAsync(HttpContext context)
    {
        string hrn = RouteValue(context, "hrn");
        string? api = context.Request.RouteValues.TryGetValue("api", out object? a) ? a as string : null;
        string? version = context.Request.RouteValues.TryGetValue("version", out object? v) ? v as string : null;
        if (!_catalogs.ContainsKey(hrn))
        {
            await ErrorWriter.WriteLookupAsync(context, 404, "Catalog not found", "The resource HRN does not name a catalog this service knows.").ConfigureAwait(false);
            return;
        }

        string root = ServiceUrl.GetLeftPart(UriPartial.Authority);
        List<ApiEntry> all =
        [
            new("blob", "v2", $"{root}/blobstore/v2/catalogs/{hrn}", []),
            new("metadata", "v1", $"{root}/metadata/v1/catalogs/{hrn}", []),
            new("blob", "v1", $"{root}/blobstore/v1/catalogs/{hrn}", []),
            new("publish", "v2", $"{root}/publish/v2/catalogs/{hrn}", []),
            new("index", "v1", $"{root}/index/v1/catalogs/{hrn}", []),
            new("query", "v1", $"{root}/query/v1/catalogs/{hrn}", []),
        ];
        if (Options.Publishing.ConfigOnResourceRoute)
        {
            // Spec publish-v2 P27, the other reading: config is a catalog resource API.
            all.Add(new ApiEntry("config", "v1", $"{root}/config/v1", []));
        }

        List<ApiEntry> result = api is null
            ? all
            : [.. all.Where(e => e.Api == api && e.Version == version)];
        if (result.Count == 0)
        {
            await ErrorWriter.WriteLookupAsync(context, 404, "API not found", "The catalog does not offer this API version.").ConfigureAwait(false);
            return;
        }

        if (api is not null)
        {
            // The spec says the array may hold more than asked for; a client must filter.
            result.Insert(0, all[0].Api == api && all[0].Version == version ? all[1] : all[0]);
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "max-age=" + ((long)Options.LookupMaxAge.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        await context.Response.WriteAsync(JsonSerializer.Serialize(result, EmulatorJsonContext.Default.ListApiEntry), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>GET /_emulator/journal.</summary>
    public Task JournalAsync(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(Journal.Entries, EmulatorJsonContext.Default.IReadOnlyListJournalEntry), context.RequestAborted);
    }

    /// <summary>GET /_emulator/uploads.</summary>
    public Task UploadsAsync(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(SnapshotUploads(), EmulatorJsonContext.Default.IReadOnlyListUploadRecord), context.RequestAborted);
    }

    private static async Task<string> ReadSmallBodyAsync(HttpContext context)
    {
        using MemoryStream buffer = new();
        byte[] chunk = new byte[4096];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxTokenBody)
            {
                break;
            }
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
