using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using PartUploader.Emulator.Catalogs;
using PartUploader.Emulator.Internal;

namespace PartUploader.Emulator.Metadata;

/// <summary>The Metadata API v1 and Query API v1 reads of published partitions (spec publish-v2 section 4).</summary>
internal sealed class MetadataEndpoints
{
    private static readonly string[] s_additionalFields = ["dataSize", "checksum", "compressedDataSize", "crc"];

    private readonly CatalogStore _store;

    public MetadataEndpoints(CatalogStore store) => _store = store;

    /// <summary>GET /metadata/v1/catalogs/{hrn}/versions/latest?startVersion=-1.</summary>
    public async Task LatestVersionAsync(HttpContext context)
    {
        CatalogState? catalog = await DataApiHttp.FindCatalogAsync(context, _store).ConfigureAwait(false);
        if (catalog is null)
        {
            return;
        }

        if (context.Request.Query["startVersion"] is not { Count: 1 } start || !long.TryParse(start[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            await DataApiError.BadRequest("startVersion", "'startVersion' is required and must be an integer.").WriteAsync(context).ConfigureAwait(false);
            return;
        }

        long latest = catalog.LatestVersion();
        if (latest < 0)
        {
            await ErrorWriter.WriteDataApiAsync(context, 404, "Catalog has no versions", null).ConfigureAwait(false);
            return;
        }

        await DataApiHttp.WriteJsonAsync(context, 200, new LatestVersionWire(latest), DataApiJsonContext.Default.LatestVersionWire).ConfigureAwait(false);
    }

    /// <summary>GET /metadata/v1/catalogs/{hrn}/layers/{layerId}/partitions?version=N&amp;additionalFields=..[&amp;pageToken=K].</summary>
    public async Task PartitionsAsync(HttpContext context)
    {
        ReadRequest? read = await ParseReadAsync(context).ConfigureAwait(false);
        if (read is null)
        {
            return;
        }

        int offset = 0;
        if (context.Request.Query.TryGetValue("pageToken", out StringValues token)
            && (token.Count != 1 || !int.TryParse(token[0], NumberStyles.None, CultureInfo.InvariantCulture, out offset)))
        {
            await DataApiError.BadRequest("pageToken", "The page token is not valid.").WriteAsync(context).ConfigureAwait(false);
            return;
        }

        IReadOnlyList<EmulatorPartition> all = read.Catalog.ReadPartitions(read.LayerId, read.Version);
        int? pageSize = _store.Service.Options.Publishing.MetadataPageSize;
        int take = pageSize ?? int.MaxValue;
        List<PartitionWire> page = [.. all.Skip(offset).Take(take).Select(p => Project(p, read.Fields))];
        string? next = null;
        if (pageSize is not null && (long)offset + page.Count < all.Count)
        {
            string fields = read.Fields.Count > 0 ? "&additionalFields=" + string.Join(',', read.Fields) : string.Empty;
            next = $"/layers/{Uri.EscapeDataString(read.LayerId)}/partitions?version={read.Version.ToString(CultureInfo.InvariantCulture)}{fields}&pageToken={(offset + page.Count).ToString(CultureInfo.InvariantCulture)}";
        }

        await DataApiHttp.WriteJsonAsync(context, 200, new PartitionsWire(page, next), DataApiJsonContext.Default.PartitionsWire).ConfigureAwait(false);
    }

    /// <summary>GET /query/v1/catalogs/{hrn}/layers/{layerId}/partitions?partition=P&amp;partition=Q&amp;version=N&amp;additionalFields=...</summary>
    public async Task QueryAsync(HttpContext context)
    {
        StringValues keys = context.Request.Query["partition"];
        if (keys.Count is 0 or > DataApiLimits.MaxQueryPartitions)
        {
            await DataApiError.BadRequest("partition", $"Send 1 to {DataApiLimits.MaxQueryPartitions} 'partition' parameters (got {keys.Count}).").WriteAsync(context).ConfigureAwait(false);
            return;
        }

        ReadRequest? read = await ParseReadAsync(context).ConfigureAwait(false);
        if (read is null)
        {
            return;
        }

        HashSet<string> wanted = new(keys.Where(k => k is not null)!, StringComparer.Ordinal);
        List<PartitionWire> found = [.. read.Catalog.ReadPartitions(read.LayerId, read.Version).Where(p => wanted.Contains(p.Partition)).Select(p => Project(p, read.Fields))];
        await DataApiHttp.WriteJsonAsync(context, 200, new PartitionsWire(found, null), DataApiJsonContext.Default.PartitionsWire).ConfigureAwait(false);
    }

    private static PartitionWire Project(EmulatorPartition p, IReadOnlyCollection<string> fields) => new(
        p.Partition,
        p.Version,
        p.DataHandle,
        fields.Contains("dataSize") ? p.DataSize : null,
        fields.Contains("checksum") ? p.Checksum : null,
        fields.Contains("compressedDataSize") ? p.CompressedDataSize : null,
        fields.Contains("crc") ? p.Crc : null);

    /// <summary>Checks catalog (404), layer (404; 400 when not versioned), version (required, at most the latest) and additionalFields.</summary>
    private async Task<ReadRequest?> ParseReadAsync(HttpContext context)
    {
        CatalogState? catalog = await DataApiHttp.FindCatalogAsync(context, _store).ConfigureAwait(false);
        if (catalog is null)
        {
            return null;
        }

        string layerId = DataApiHttp.RouteValue(context, "layerId");
        EmulatorLayer? layer = _store.Service.FindLayer(catalog.Hrn, layerId);
        DataApiError? error = layer is null
            ? DataApiError.NotFound("layerId", $"Layer '{layerId}' does not exist.")
            : layer.LayerType != EmulatorLayerType.Versioned ? DataApiError.BadRequest("layerId", $"Layer '{layerId}' is not a versioned layer.") : null;
        long version = 0;
        long latest = catalog.LatestVersion();
        if (error is null && (context.Request.Query["version"] is not { Count: 1 } v || !long.TryParse(v[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out version)))
        {
            error = DataApiError.BadRequest("version", "'version' is required and must be an integer.");
        }
        else if (error is null && (version > latest || version < 0))
        {
            error = DataApiError.BadRequest("version", $"Invalid version: latest known version is {latest.ToString(CultureInfo.InvariantCulture)}");
        }

        List<string> fields = [];
        foreach (string field in context.Request.Query["additionalFields"].SelectMany(f => (f ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!s_additionalFields.Contains(field, StringComparer.Ordinal))
            {
                error ??= DataApiError.BadRequest("additionalFields", $"Unknown additional field '{field}'; allowed: {string.Join(", ", s_additionalFields)}.");
            }
            else if (!fields.Contains(field, StringComparer.Ordinal))
            {
                fields.Add(field);
            }
        }

        if (error is not null)
        {
            await error.WriteAsync(context).ConfigureAwait(false);
            return null;
        }

        return new ReadRequest(catalog, layerId, version, fields);
    }

    private sealed record ReadRequest(CatalogState Catalog, string LayerId, long Version, IReadOnlyCollection<string> Fields);
}
