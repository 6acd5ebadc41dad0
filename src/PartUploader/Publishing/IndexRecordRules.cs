using System.Globalization;
using System.Text;
using System.Text.Json;
using PartUploader.Internal.Protocol.Publishing;

namespace PartUploader.Internal.Publishing;

/// <summary>
/// Index records checked before any upload: exactly the layer's fields with their JSON types (P32) and at most
/// 256 bytes of field names and values plus metadata keys and values, counted as UTF-8 (P22).
/// </summary>
internal static class IndexRecordRules
{
    /// <summary>The record size limit (publish spec 2, P22).</summary>
    public const int MaxRecordBytes = 256;

    public static void Validate(IReadOnlyList<IndexItem> items, LayerSettings layer, bool checkSize, string parameterName, bool checkFields = true)
    {
        var problems = new List<string>();
        foreach (IndexItem item in items)
        {
            string? problem = Check(item, layer, checkSize, checkFields);
            if (problem is not null)
            {
                problems.Add($"'{item.Source}': {problem}");
            }
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"{problems.Count} index record(s) cannot be inserted; nothing was uploaded: {string.Join("; ", problems.Take(20))}", parameterName);
        }
    }

    public static string? Check(IndexItem item, LayerSettings layer, bool checkSize, bool checkFields = true)
    {
        var defined = layer.IndexDefinitions.ToDictionary(d => d.Name, d => d.Type, StringComparer.Ordinal);
        string[] missing = [.. defined.Keys.Where(name => !item.Fields.ContainsKey(name))];
        if (checkFields && missing.Length > 0)
        {
            return $"the layer's field(s) {string.Join(", ", missing)} have no value";
        }

        foreach ((string name, object value) in item.Fields)
        {
            if (!defined.TryGetValue(name, out string? type))
            {
                if (!checkFields && value is bool or int or long or string)
                {
                    continue; // sent as given
                }

                return checkFields ? $"the layer defines no field '{name}' (it has: {string.Join(", ", defined.Keys)})" : $"field '{name}' is not a bool, an integer or a string";
            }

            if (Convert(value, type) is null)
            {
                return $"field '{name}' is a {type} field; '{value}' ({value?.GetType().Name ?? "null"}) does not fit it";
            }
        }

        int size = Size(item, layer);
        return checkSize && size > MaxRecordBytes ? $"the record has {size} bytes of fields and metadata; at most {MaxRecordBytes} are allowed" : null;
    }

    /// <summary>UTF-8 bytes of field names and values (string content, or the JSON text of a number or boolean) and metadata keys and values.</summary>
    public static int Size(IndexItem item, LayerSettings layer) =>
        Typed(item.Fields, layer).Sum(f => Encoding.UTF8.GetByteCount(f.Key) + Encoding.UTF8.GetByteCount(Text(f.Value)))
        + (item.Metadata ?? new Dictionary<string, string>()).Sum(m => Encoding.UTF8.GetByteCount(m.Key) + Encoding.UTF8.GetByteCount(m.Value));

    /// <summary>The record's fields as JSON of the layer's types (call after <see cref="Validate"/>).</summary>
    public static Dictionary<string, JsonElement> ToWire(IReadOnlyDictionary<string, object> fields, LayerSettings layer) =>
        Typed(fields, layer).ToDictionary(f => f.Key, f => f.Value switch
        {
            string s => Element(JsonSerializer.Serialize(s, PublishJsonContext.Default.String)),
            _ => Element(Text(f.Value)),
        }, StringComparer.Ordinal);

    /// <summary>
    /// The value as the field's type: a <see cref="bool"/>, a <see cref="long"/> or a <see cref="string"/>; a string given for a
    /// bool or integer field is converted (<c>true</c>/<c>false</c>, an invariant integer); null when it does not fit.
    /// </summary>
    public static object? Convert(object? value, string type) => (type, value) switch
    {
        ("bool", bool b) => b,
        ("bool", string s) when bool.TryParse(s, out bool parsed) => parsed,
        ("int" or "heretile" or "timewindow", int i) => (long)i,
        ("int" or "heretile" or "timewindow", long l) => l,
        ("int" or "heretile" or "timewindow", string s) when long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long parsed) => parsed,
        ("string", string s) => s,
        _ => null,
    };

    private static IEnumerable<KeyValuePair<string, object>> Typed(IReadOnlyDictionary<string, object> fields, LayerSettings layer)
    {
        var types = layer.IndexDefinitions.ToDictionary(d => d.Name, d => d.Type, StringComparer.Ordinal);
        return fields.Select(f => new KeyValuePair<string, object>(f.Key, types.TryGetValue(f.Key, out string? type) ? Convert(f.Value, type) ?? f.Value : f.Value));
    }

    private static JsonElement Element(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static string Text(object value) => value switch
    {
        bool b => b ? "true" : "false",
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
