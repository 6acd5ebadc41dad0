using System.Text;
using System.Text.Json;

namespace PartUploader.Emulator.Config;

/// <summary>Writes a catalog's configuration in the spellings of Config API v1 1.3.4 (spec publish-v2 10.1, 10.2).</summary>
internal static class CatalogConfigWriter
{
    /// <summary>The config API's <c>layerType</c> spelling.</summary>
    public static string LayerTypeName(EmulatorLayerType type) => type switch
    {
        EmulatorLayerType.Versioned => "versioned",
        EmulatorLayerType.Index => "index",
        EmulatorLayerType.Volatile => "volatile",
        EmulatorLayerType.Stream => "stream",
        EmulatorLayerType.ObjectStore => "objectstore",
        EmulatorLayerType.Interactive => "interactivemap",
        _ => type.ToString().ToLowerInvariant(),
    };

    public static string Write(string hrn, IEnumerable<EmulatorLayer> layers, DateTimeOffset created)
    {
        using MemoryStream buffer = new();
        using (Utf8JsonWriter json = new(buffer))
        {
            string id = hrn[(hrn.LastIndexOf(':') + 1)..];
            json.WriteStartObject();
            json.WriteString("id", id);
            json.WriteString("hrn", hrn);
            json.WriteString("name", id);
            json.WriteString("summary", "Emulated catalog " + id);
            json.WriteString("description", "A catalog served by the PartUploader emulator.");
            json.WriteNumber("version", 1);
            json.WriteString("created", created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteStartArray("tags");
            json.WriteEndArray();
            json.WriteStartObject("replication");
            json.WriteStartArray("regions");
            json.WriteStartObject();
            json.WriteString("id", "emulator");
            json.WriteString("role", "primary");
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteStartArray("layers");
            foreach (EmulatorLayer layer in layers)
            {
                WriteLayer(json, hrn, layer);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WriteLayer(Utf8JsonWriter json, string hrn, EmulatorLayer layer)
    {
        EmulatorLayerType type = layer.LayerType;
        json.WriteStartObject();
        json.WriteString("id", layer.Id);
        json.WriteString("hrn", hrn + ":" + layer.Id);
        json.WriteString("name", layer.Id);
        json.WriteString("layerType", LayerTypeName(type));
        if (type != EmulatorLayerType.ObjectStore)
        {
            json.WriteString("contentType", layer.ContentType);
        }

        if (layer.ContentEncoding is { Length: > 0 } encoding && type is EmulatorLayerType.Versioned or EmulatorLayerType.Index or EmulatorLayerType.Volatile or EmulatorLayerType.Stream)
        {
            json.WriteString("contentEncoding", encoding);
        }

        if (type is EmulatorLayerType.Versioned or EmulatorLayerType.Volatile or EmulatorLayerType.Stream)
        {
            json.WriteStartObject("partitioning");
            json.WriteString("scheme", layer.PartitioningScheme);
            if (string.Equals(layer.PartitioningScheme, "heretile", StringComparison.Ordinal))
            {
                json.WriteStartArray("tileLevels");
                foreach (int level in layer.TileLevels)
                {
                    json.WriteNumberValue(level);
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
            json.WriteString("partitioningScheme", layer.PartitioningScheme);
        }

        if (type is EmulatorLayerType.Versioned or EmulatorLayerType.Index or EmulatorLayerType.Volatile)
        {
            WriteOptional(json, "digest", layer.Digest);
            WriteOptional(json, "crc", layer.Crc);
        }

        if (type != EmulatorLayerType.Interactive)
        {
            json.WriteStartObject("volume");
            json.WriteString("volumeType", type == EmulatorLayerType.Volatile ? "volatile" : "durable");
            json.WriteEndObject();
        }

        if (type == EmulatorLayerType.Index)
        {
            WriteIndexProperties(json, layer);
        }

        json.WriteEndObject();
    }

    private static void WriteIndexProperties(Utf8JsonWriter json, EmulatorLayer layer)
    {
        json.WriteStartObject("indexProperties");
        json.WriteString("ttl", layer.IndexTtl);
        json.WriteStartArray("indexDefinitions");
        foreach (EmulatorIndexDefinition definition in layer.IndexDefinitions)
        {
            json.WriteStartObject();
            json.WriteString("name", definition.Name);
            json.WriteString("type", definition.Type);
            if (definition.Duration is long duration)
            {
                json.WriteNumber("duration", duration);
            }

            if (definition.ZoomLevel is int zoom)
            {
                json.WriteNumber("zoomLevel", zoom);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is { Length: > 0 })
        {
            json.WriteString(name, value);
        }
    }
}
