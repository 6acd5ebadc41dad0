using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using PartUploader.Emulator.Catalogs;
using PartUploader.Emulator.Internal;

namespace PartUploader.Emulator.Config;

/// <summary>The Config API v1 catalog read and the platform API lookup that lists it (spec publish-v2 section 10, P27, P28).</summary>
internal sealed class ConfigEndpoints
{
    private readonly EmulatorService _service;
    private readonly DateTimeOffset _created;

    public ConfigEndpoints(EmulatorService service)
    {
        _service = service;
        _created = service.Options.TimeProvider.GetUtcNow();
    }

    private PublishEmulatorOptions Switches => _service.Options.Publishing;

    /// <summary>The base URL of the config API: <c>{root}/config/v1</c>.</summary>
    public string BaseUrl => _service.ServiceUrl.GetLeftPart(UriPartial.Authority) + "/config/v1";

    /// <summary>GET /config/v1/catalogs/{hrn}: 200 with the catalog; 403 for an unknown catalog or under <see cref="PublishEmulatorOptions.ConfigForbidden"/>.</summary>
    public async Task GetCatalogAsync(HttpContext context)
    {
        string hrn = DataApiHttp.RouteValue(context, "hrn");
        IReadOnlyCollection<EmulatorLayer>? layers = _service.GetLayers(hrn);
        if (Switches.ConfigForbidden || layers is null)
        {
            string why = layers is null ? "The catalog does not exist or the app may not read it." : "The app may not read this catalog's configuration.";
            await new DataApiError(403, "Forbidden", "catalogHrn", why).WriteAsync(context).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(CatalogConfigWriter.Write(hrn, layers, _created), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>GET /lookup/v1/platform/apis[/{api}/{version}] (spec publish-v2 10.1, P27).</summary>
    public async Task PlatformLookupAsync(HttpContext context)
    {
        string? api = context.Request.RouteValues.TryGetValue("api", out object? a) ? a as string : null;
        string? version = context.Request.RouteValues.TryGetValue("version", out object? v) ? v as string : null;
        List<ApiEntry> all = Switches.ConfigOnResourceRoute ? [] : [new ApiEntry("config", "v1", BaseUrl, [])];
        List<ApiEntry> result = api is null ? all : [.. all.Where(e => e.Api == api && e.Version == version)];
        if (api is not null && result.Count == 0)
        {
            await ErrorWriter.WriteLookupAsync(context, 404, "API not found", "The platform does not offer this API version.").ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "max-age=" + ((long)_service.Options.LookupMaxAge.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        await context.Response.WriteAsync(JsonSerializer.Serialize(result, EmulatorJsonContext.Default.ListApiEntry), context.RequestAborted).ConfigureAwait(false);
    }
}
