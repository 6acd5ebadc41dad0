using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PartUploader.Internal.Protocol;

/// <summary>Reads an error code given as a string or a number; never throws on other shapes.</summary>
internal sealed class JsonCodeConverter : JsonConverter<JsonCode>
{
    public override JsonCode? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return new JsonCode(reader.GetString() ?? string.Empty);
            case JsonTokenType.Number:
                return reader.TryGetInt64(out long n)
                    ? new JsonCode(n.ToString(CultureInfo.InvariantCulture))
                    : new JsonCode(reader.GetDouble().ToString(CultureInfo.InvariantCulture));
            default:
                reader.Skip();
                return null;
        }
    }

    public override void Write(Utf8JsonWriter writer, JsonCode value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
}
