using System.Text.Json;
using Microsoft.AspNetCore.Http;
using PartUploader.Emulator.Catalogs;

namespace PartUploader.Emulator.Publish;

/// <summary>The Publish API v2 handlers under <c>/publish/v2/catalogs/{hrn}</c> (spec publish-v2 section 1) and their admin views.</summary>
internal sealed class PublishEndpoints
{
    private readonly CatalogStore _store;

    public PublishEndpoints(CatalogStore store) => _store = store;

    private PublishEmulatorOptions Switches => _store.Service.Options.Publishing;

    /// <summary>POST /publications (spec publish-v2 1.1, P18, P19, P26).</summary>
    public async Task InitAsync(HttpContext context)
    {
        CatalogState? catalog = await DataApiHttp.FindCatalogAsync(context, _store).ConfigureAwait(false);
        if (catalog is null)
        {
            return;
        }

        using JsonDocument? body = await DataApiHttp.ReadJsonAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            return;
        }

        (List<string>? layerIds, DataApiError? error) = ParseInit(body.RootElement, catalog.Hrn);
        if (error is not null)
        {
            await error.WriteAsync(context).ConfigureAwait(false);
            return;
        }

        (PublicationWire? created, DataApiError? conflict) = catalog.Initialize(layerIds!, _store.NextSequence());
        if (conflict is not null)
        {
            await conflict.WriteAsync(context).ConfigureAwait(false);
            return;
        }

        string root = _store.Service.ServiceUrl.GetLeftPart(UriPartial.Authority);
        context.Response.Headers.Location = $"{root}/publish/v2/catalogs/{catalog.Hrn}/publications/{created!.Id}";
        await DataApiHttp.WriteJsonAsync(context, Switches.InitSuccessStatus, created, DataApiJsonContext.Default.PublicationWire).ConfigureAwait(false);
    }

    /// <summary>POST /layers/{layerId}/publications/{publicationId}/partitions (spec publish-v2 1.2).</summary>
    public async Task UploadPartitionsAsync(HttpContext context)
    {
        CatalogState? catalog = await DataApiHttp.FindCatalogAsync(context, _store).ConfigureAwait(false);
        if (catalog is null)
        {
            return;
        }

        string id = DataApiHttp.RouteValue(context, "publicationId");
        string layerId = DataApiHttp.RouteValue(context, "layerId");
        DataApiError? error = catalog.CheckAcceptsPartitions(id, layerId);
        EmulatorLayer? layer = _store.Service.FindLayer(catalog.Hrn, layerId);
        if (error is not null || layer is null)
        {
            await (error ?? DataApiError.NotFound("layerId", $"Layer '{layerId}' does not exist.")).WriteAsync(context).ConfigureAwait(false);
            return;
        }

        using JsonDocument? body = await DataApiHttp.ReadJsonAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            return;
        }

        (List<PendingPartition>? partitions, error) = new PartitionValidator(_store.Service, catalog.Hrn, layer).Validate(body.RootElement);
        error ??= catalog.AddPartitions(id, layerId, partitions!);
        if (error is not null)
        {
            await error.WriteAsync(context).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>PUT /publications/{publicationId} (spec publish-v2 1.3, P8).</summary>
    public async Task SubmitAsync(HttpContext context)
    {
        CatalogState? catalog = await DataApiHttp.FindCatalogAsync(context, _store).ConfigureAwait(false);
        if (catalog is null)
        {
            return;
        }

        DataApiError? error = catalog.Submit(DataApiHttp.RouteValue(context, "publicationId"));
        if (error is not null)
        {
            await error.WriteAsync(context).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>GET /publications/{publicationId} (spec publish-v2 1.4, P13).</summary>
    public async Task GetAsync(HttpContext context)
    {
        CatalogState? catalog = await DataApiHttp.FindCatalogAsync(context, _store).ConfigureAwait(false);
        if (catalog is null)
        {
            return;
        }

        string id = DataApiHttp.RouteValue(context, "publicationId");
        PublicationWire? publication = catalog.Get(id);
        if (publication is null)
        {
            await DataApiError.NotFound("publicationId", $"Publication {id} does not exist in catalog {catalog.Hrn}.").WriteAsync(context).ConfigureAwait(false);
            return;
        }

        await DataApiHttp.WriteJsonAsync(context, 200, publication, DataApiJsonContext.Default.PublicationWire).ConfigureAwait(false);
    }

    /// <summary>DELETE /publications/{publicationId} (spec publish-v2 1.5, P8, P12).</summary>
    public async Task CancelAsync(HttpContext context)
    {
        CatalogState? catalog = await DataApiHttp.FindCatalogAsync(context, _store).ConfigureAwait(false);
        if (catalog is null)
        {
            return;
        }

        (PublicationWire? cancelled, DataApiError? error) = catalog.Cancel(DataApiHttp.RouteValue(context, "publicationId"));
        if (error is not null)
        {
            await error.WriteAsync(context).ConfigureAwait(false);
            return;
        }

        if (Switches.CancelAnswersWithBody)
        {
            await DataApiHttp.WriteJsonAsync(context, 200, cancelled!, DataApiJsonContext.Default.PublicationWire).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>GET /_emulator/publications.</summary>
    public Task PublicationsAsync(HttpContext context) =>
        DataApiHttp.WriteJsonAsync(context, 200, _store.Publications(), DataApiJsonContext.Default.IReadOnlyListPublicationRecord);

    /// <summary>GET /_emulator/versions.</summary>
    public Task VersionsAsync(HttpContext context) =>
        DataApiHttp.WriteJsonAsync(context, 200, _store.Versions(), DataApiJsonContext.Default.IReadOnlyListCatalogVersionRecord);
    private (List<string>? LayerIds, DataApiError? Error) ParseInit(JsonElement root, string hrn)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("layerIds", out JsonElement ids)
            || ids.ValueKind != JsonValueKind.Array
            || ids.GetArrayLength() == 0
            || ids.EnumerateArray().Any(i => i.ValueKind != JsonValueKind.String || i.GetString()!.Length == 0))
        {
            return (null, DataApiError.BadRequest("layerIds", "'layerIds' must be a non-empty array of layer IDs."));
        }

        if (root.TryGetProperty("versionDependencies", out JsonElement dependencies) && dependencies.ValueKind is not (JsonValueKind.Array or JsonValueKind.Null))
        {
            return (null, DataApiError.BadRequest("versionDependencies", "'versionDependencies' must be an array."));
        }

        List<string> layerIds = [.. ids.EnumerateArray().Select(i => i.GetString()!).Distinct(StringComparer.Ordinal)];
        foreach (string layerId in layerIds)
        {
            EmulatorLayer? layer = _store.Service.FindLayer(hrn, layerId);
            if (layer is null || layer.LayerType != EmulatorLayerType.Versioned)
            {
                string why = layer is null ? "does not exist" : "is not a versioned layer";
                return (null, DataApiError.WithStatus(Switches.LayerMismatchStatus, "layerIds", $"Layer '{layerId}' {why}; a publication here holds versioned layers only."));
            }
        }

        return (layerIds, null);
    }
}
