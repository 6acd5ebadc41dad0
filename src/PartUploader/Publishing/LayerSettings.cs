using System.Collections.Concurrent;
using PartUploader.Internal.Protocol.Publishing;

namespace PartUploader.Internal.Publishing;

/// <summary>What a publisher needs of a layer's configuration (publish spec 10.2).</summary>
internal sealed record LayerSettings(
    string Id,
    string LayerType,
    string? ContentType,
    string? ContentEncoding,
    PartitionChecksum Checksum,
    bool Heretile,
    IReadOnlyList<long> TileLevels,
    IReadOnlyList<(string Name, string Type)> IndexDefinitions,
    bool SecureHandles,
    bool FromService,
    bool Composite = false);

/// <summary>
/// Reads a layer's configuration through the config API before any blob byte (publish spec 10.5), cached
/// per catalog for 5 minutes (P36). A 403 or 404 falls back to the caller's options with one warning (P28)
/// unless the caller requires the configuration.
/// </summary>
internal sealed class LayerConfigReader(PublishingServices services)
{
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, (CatalogConfigWire? Config, int Status, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);
    private int _warned;

    public async Task<LayerSettings> ReadAsync(string layerId, string expectedType, LayerFallback fallback, CancellationToken cancellationToken)
    {
        string hrn = services.Catalog.ToString();
        DateTimeOffset now = services.Clock.GetUtcNow();
        if (!_cache.TryGetValue(hrn, out var cached) || cached.Until <= now)
        {
            ServiceEndpoint endpoint = await services.ConfigAsync(cancellationToken).ConfigureAwait(false);
            (CatalogConfigWire? config, int status) = await services.Runner.ExecuteAsync(
                PublishingProtocol.OpConfig,
                token => services.Protocol.GetCatalogConfigAsync(endpoint, hrn, services.BillingTag, token),
                cancellationToken).ConfigureAwait(false);
            cached = (config, status, now + CacheLifetime);
            _cache[hrn] = cached;
        }

        if (cached.Config is null)
        {
            return FromFallback(layerId, expectedType, fallback, cached.Status);
        }

        LayerConfigWire? layer = cached.Config.Layers?.FirstOrDefault(l => l is not null && string.Equals(l.Id, layerId, StringComparison.Ordinal));
        if (layer is null)
        {
            throw PublishingErrors.Refused(PartUploadErrorCodes.LayerNotFound, $"The catalog has no layer '{layerId}' (read from its configuration); nothing was sent");
        }

        if (!string.Equals(layer.LayerType, expectedType, StringComparison.Ordinal))
        {
            // An unknown layerType is refused too (P29).
            throw PublishingErrors.Refused(
                PartUploadErrorCodes.LayerMismatch,
                $"The layer '{layerId}' is a '{layer.LayerType ?? "(no type)"}' layer; this call publishes to a '{expectedType}' layer. Nothing was sent");
        }

        PartitionChecksum checksum = layer.Digest switch
        {
            null or "" => PartitionChecksum.None,
            "MD5" => PartitionChecksum.Md5,
            "SHA-1" => PartitionChecksum.Sha1,
            "SHA-256" => PartitionChecksum.Sha256,
            _ => throw PublishingErrors.Refused(PartUploadErrorCodes.LayerMismatch, $"The layer '{layerId}' names a digest this client does not know ('{layer.Digest}'); nothing was sent"),
        };
        string scheme = layer.Partitioning?.Scheme ?? layer.PartitioningScheme ?? "generic";
        return new LayerSettings(
            layerId,
            expectedType,
            layer.ContentType,
            layer.ContentEncoding,
            checksum,
            string.Equals(scheme, "heretile", StringComparison.Ordinal),
            layer.Partitioning?.TileLevels ?? [],
            [.. (layer.IndexProperties?.IndexDefinitions ?? []).Where(d => d?.Name is not null).Select(d => (d!.Name!, d.Type ?? string.Empty))],
            layer.SecureHandles == true,
            FromService: true,
            Composite: layer.VersionedLayerProperties?.Extends.ValueKind == System.Text.Json.JsonValueKind.Object);
    }

    private LayerSettings FromFallback(string layerId, string expectedType, LayerFallback fallback, int status)
    {
        if (fallback.RequireLayerConfig)
        {
            throw PublishingErrors.Refused(
                PartUploadErrorCodes.ConfigUnavailable,
                $"The catalog configuration could not be read (status {status}) and RequireLayerConfig is set; nothing was sent");
        }

        if (Interlocked.Exchange(ref _warned, 1) == 0)
        {
            PublishingLog.ConfigUnavailable(services.Logger, status);
        }

        if (expectedType == "index" && fallback.IndexFields is null)
        {
            throw PublishingErrors.Refused(PartUploadErrorCodes.ConfigUnavailable, $"The catalog configuration could not be read (status {status}); index records need the layer's field names: give IndexOptions.IndexFields. Nothing was sent");
        }

        return new LayerSettings(
            layerId,
            expectedType,
            fallback.ContentType,
            ContentEncoding: null,
            fallback.Checksum ?? PartitionChecksum.None,
            Heretile: false,
            [],
            fallback.IndexFields ?? [],
            SecureHandles: false,
            FromService: false);
    }
}

/// <summary>The caller's layer settings, used when the configuration cannot be read (P28).</summary>
internal sealed record LayerFallback(string? ContentType, PartitionChecksum? Checksum, bool RequireLayerConfig, IReadOnlyList<(string Name, string Type)>? IndexFields = null);
