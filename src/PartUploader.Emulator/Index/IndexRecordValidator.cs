using System.Text;
using System.Text.Json;
using PartUploader.Emulator.Catalogs;
using PartUploader.Emulator.Internal;

namespace PartUploader.Emulator.Index;

/// <summary>Checks one index record of an insert against spec publish-v2 section 2 and the P-switches (P7, P21, P22, P32).</summary>
internal sealed class IndexRecordValidator
{
    private readonly EmulatorService _service;
    private readonly string _catalogHrn;
    private readonly EmulatorLayer _layer;

    public IndexRecordValidator(EmulatorService service, string catalogHrn, EmulatorLayer layer)
    {
        _service = service;
        _catalogHrn = catalogHrn;
        _layer = layer;
    }

    private PublishEmulatorOptions Switches => _service.Options.Publishing;

    public (EmulatorIndexRecord? Record, DataApiError? Error) Validate(JsonElement item, string at)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return Fail(at, "An index record must be a JSON object.");
        }

        if (!item.TryGetProperty("id", out JsonElement idElement) || idElement.ValueKind != JsonValueKind.String || !DataApiLimits.IsLowercaseUuid(idElement.GetString()!))
        {
            return Fail($"{at}.id", "'id' must be the data handle, a lowercase UUID.");
        }

        string id = idElement.GetString()!;
        long? size = null;
        if (item.TryGetProperty("size", out JsonElement sizeElement) && sizeElement.ValueKind != JsonValueKind.Null)
        {
            if (sizeElement.ValueKind != JsonValueKind.Number || !sizeElement.TryGetInt64(out long s) || s < 0)
            {
                return Fail($"{at}.size", "'size' must be a non-negative integer.");
            }

            size = s;
        }

        (string? checksum, bool checksumOk) = ShortString(item, "checksum");
        (string? crc, bool crcOk) = ShortString(item, "crc");
        if (!checksumOk || !crcOk)
        {
            return Fail($"{at}.{(checksumOk ? "crc" : "checksum")}", $"'checksum' and 'crc' must be strings of at most {DataApiLimits.MaxChecksumLength} characters.");
        }

        (Dictionary<string, JsonElement>? fields, DataApiError? fieldsError) = Fields(item, at);
        (Dictionary<string, string>? metadata, DataApiError? metadataError) = Metadata(item, at);
        DataApiError? error = fieldsError ?? metadataError;
        if (error is not null)
        {
            return (null, error);
        }

        if (Switches.IndexRecordLimit is int limit && UserBytes(fields!, metadata!) is var bytes && bytes > limit)
        {
            return Fail(at, $"The record's fields and metadata hold {bytes} bytes; an index record may hold at most {limit}.");
        }

        if (Switches.HandleCheck == HandleCheckMode.RejectAtUpload && _service.FindVisibleBlob(_catalogHrn, _layer.Id, id) is null)
        {
            return Fail($"{at}.id", $"Data handle '{id}' names no completed blob in layer '{_layer.Id}'.");
        }

        return (new EmulatorIndexRecord { Id = id, Size = size, Checksum = checksum, Crc = crc, Fields = fields!, Metadata = metadata! }, null);
    }

    private (Dictionary<string, JsonElement>? Fields, DataApiError? Error) Fields(JsonElement item, string at)
    {
        Dictionary<string, JsonElement> fields = new(StringComparer.Ordinal);
        if (item.TryGetProperty("fields", out JsonElement element) && element.ValueKind != JsonValueKind.Null)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                return (null, DataApiError.BadRequest($"{at}.fields", "'fields' must be an object."));
            }

            foreach (JsonProperty property in element.EnumerateObject())
            {
                fields[property.Name] = property.Value.Clone();
            }
        }

        foreach (EmulatorIndexDefinition definition in _layer.IndexDefinitions)
        {
            if (!fields.TryGetValue(definition.Name, out JsonElement value))
            {
                if (!Switches.LenientIndexFields)
                {
                    return (null, DataApiError.BadRequest($"{at}.fields.{definition.Name}", $"Field '{definition.Name}' ({definition.Type}) is required by the layer's index definitions."));
                }
            }
            else if (!HasType(value, definition.Type))
            {
                return (null, DataApiError.BadRequest($"{at}.fields.{definition.Name}", $"Field '{definition.Name}' must be a JSON {JsonTypeOf(definition.Type)} ({definition.Type})."));
            }
        }

        string? extra = fields.Keys.FirstOrDefault(name => !_layer.IndexDefinitions.Any(d => d.Name == name));
        if (extra is not null && !Switches.LenientIndexFields)
        {
            return (null, DataApiError.BadRequest($"{at}.fields.{extra}", $"Field '{extra}' is not defined by the layer's index definitions."));
        }

        return (fields, null);
    }

    private static (Dictionary<string, string>? Metadata, DataApiError? Error) Metadata(JsonElement item, string at)
    {
        Dictionary<string, string> metadata = new(StringComparer.Ordinal);
        if (!item.TryGetProperty("metadata", out JsonElement element) || element.ValueKind == JsonValueKind.Null)
        {
            return (metadata, null);
        }

        if (element.ValueKind != JsonValueKind.Object || element.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String))
        {
            return (null, DataApiError.BadRequest($"{at}.metadata", "'metadata' must be an object of string values."));
        }

        foreach (JsonProperty property in element.EnumerateObject())
        {
            metadata[property.Name] = property.Value.GetString()!;
        }

        return (metadata, null);
    }

    /// <summary>UTF-8 bytes of field names and values (string content, or the JSON text of other values) plus metadata keys and values (P22).</summary>
    private static int UserBytes(Dictionary<string, JsonElement> fields, Dictionary<string, string> metadata) =>
        fields.Sum(f => Encoding.UTF8.GetByteCount(f.Key) + Encoding.UTF8.GetByteCount(f.Value.ValueKind == JsonValueKind.String ? f.Value.GetString()! : f.Value.GetRawText()))
        + metadata.Sum(m => Encoding.UTF8.GetByteCount(m.Key) + Encoding.UTF8.GetByteCount(m.Value));

    private static bool HasType(JsonElement value, string type) => type switch
    {
        "bool" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "int" or "heretile" or "timewindow" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        "string" => value.ValueKind == JsonValueKind.String,
        _ => true,
    };

    private static string JsonTypeOf(string type) => type switch
    {
        "bool" => "boolean",
        "string" => "string",
        _ => "integer",
    };

    private static (string? Value, bool Ok) ShortString(JsonElement item, string name)
    {
        if (!item.TryGetProperty(name, out JsonElement element) || element.ValueKind == JsonValueKind.Null)
        {
            return (null, true);
        }

        return element.ValueKind == JsonValueKind.String && element.GetString()!.Length <= DataApiLimits.MaxChecksumLength
            ? (element.GetString(), true)
            : (null, false);
    }

    private static (EmulatorIndexRecord?, DataApiError?) Fail(string name, string error) => (null, DataApiError.BadRequest(name, error));
}
