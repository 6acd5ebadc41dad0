using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using PartUploader.Emulator.Catalogs;

namespace PartUploader.Emulator.Index;

/// <summary>The Index API v1 handlers under <c>/index/v1/catalogs/{hrn}</c> (spec publish-v2 section 2).</summary>
internal sealed class IndexEndpoints
{
    private readonly CatalogStore _store;

    public IndexEndpoints(CatalogStore store) => _store = store;

    /// <summary>POST /layers/{layerId}: a JSON array of index records; 201, all or nothing.</summary>
    public async Task InsertAsync(HttpContext context)
    {
        (CatalogState? catalog, EmulatorLayer? layer) = await FindIndexLayerAsync(context).ConfigureAwait(false);
        if (catalog is null || layer is null)
        {
            return;
        }

        using JsonDocument? body = await DataApiHttp.ReadJsonAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            return;
        }

        if (body.RootElement.ValueKind != JsonValueKind.Array || body.RootElement.GetArrayLength() == 0)
        {
            await DataApiError.BadRequest("body", "The body must be a non-empty JSON array of index records.").WriteAsync(context).ConfigureAwait(false);
            return;
        }

        IndexRecordValidator validator = new(_store.Service, catalog.Hrn, layer);
        List<EmulatorIndexRecord> records = [];
        int index = 0;
        foreach (JsonElement item in body.RootElement.EnumerateArray())
        {
            (EmulatorIndexRecord? record, DataApiError? error) = validator.Validate(item, $"[{index.ToString(CultureInfo.InvariantCulture)}]");
            if (error is not null)
            {
                await error.WriteAsync(context).ConfigureAwait(false);
                return;
            }

            records.Add(record!);
            index++;
        }

        string? duplicate = _store.Index.Insert(catalog.Hrn, layer.Id, records);
        if (duplicate is not null)
        {
            await DataApiError.Conflict("id", $"Index record {duplicate} already exists in layer '{layer.Id}'.").WriteAsync(context).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status201Created;
    }

    /// <summary>GET /layers/{layerId}[?query=id==X]: <c>{"data":[...]}</c>; other queries answer every record.</summary>
    public async Task GetAsync(HttpContext context)
    {
        (CatalogState? catalog, EmulatorLayer? layer) = await FindIndexLayerAsync(context).ConfigureAwait(false);
        if (catalog is null || layer is null)
        {
            return;
        }

        IReadOnlyList<EmulatorIndexRecord> records = _store.Index.Read(catalog.Hrn, layer.Id);
        string query = context.Request.Query["query"].ToString();
        if (query.StartsWith("id==", StringComparison.Ordinal))
        {
            string id = query["id==".Length..];
            records = [.. records.Where(r => r.Id == id)];
        }

        await DataApiHttp.WriteJsonAsync(context, 200, new IndexDataWire(records), DataApiJsonContext.Default.IndexDataWire).ConfigureAwait(false);
    }

    private async Task<(CatalogState? Catalog, EmulatorLayer? Layer)> FindIndexLayerAsync(HttpContext context)
    {
        CatalogState? catalog = await DataApiHttp.FindCatalogAsync(context, _store).ConfigureAwait(false);
        if (catalog is null)
        {
            return (null, null);
        }

        string layerId = DataApiHttp.RouteValue(context, "layerId");
        EmulatorLayer? layer = _store.Service.FindLayer(catalog.Hrn, layerId);
        DataApiError? error = layer is null
            ? DataApiError.NotFound("layerId", $"Layer '{layerId}' does not exist.")
            : layer.LayerType != EmulatorLayerType.Index ? DataApiError.BadRequest("layerId", $"Layer '{layerId}' is not an index layer.") : null;
        if (error is not null)
        {
            await error.WriteAsync(context).ConfigureAwait(false);
            return (catalog, null);
        }

        return (catalog, layer);
    }
}
