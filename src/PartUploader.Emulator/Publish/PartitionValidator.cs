using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using PartUploader.Emulator.Catalogs;
using PartUploader.Emulator.Internal;

namespace PartUploader.Emulator.Publish;

/// <summary>Checks an upload-partitions body against spec publish-v2 1.2 and the P-switches (P1-P4, P6, P7, P16, P23, P31).</summary>
internal sealed class PartitionValidator
{
    private static readonly HashSet<string> s_knownFields = new(StringComparer.Ordinal)
    {
        "partition", "dataHandle", "dataSize", "compressedDataSize", "checksum", "crc", "data",
    };

    private readonly EmulatorService _service;
    private readonly string _catalogHrn;
    private readonly EmulatorLayer _layer;

    public PartitionValidator(EmulatorService service, string catalogHrn, EmulatorLayer layer)
    {
        _service = service;
        _catalogHrn = catalogHrn;
        _layer = layer;
    }

    private PublishEmulatorOptions Switches => _service.Options.Publishing;

    /// <summary>Validates the whole body; returns the partitions, or the first error.</summary>
    public (List<PendingPartition>? Partitions, DataApiError? Error) Validate(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("partitions", out JsonElement items) || items.ValueKind != JsonValueKind.Array)
        {
            return (null, DataApiError.BadRequest("partitions", "The body must be an object with a 'partitions' array."));
        }

        if (Switches.RejectUnknownFields && FirstUnknown(root, name => name == "partitions") is { } extra)
        {
            return (null, DataApiError.BadRequest(extra, $"Unknown field '{extra}'."));
        }

        int count = items.GetArrayLength();
        if (Switches.MaxPartitionsPerRequest is int cap && count > cap)
        {
            return (null, DataApiError.BadRequest("partitions", $"At most {cap} partitions may be sent in one request (got {count})."));
        }

        List<PendingPartition> result = new(count);
        int index = 0;
        foreach (JsonElement item in items.EnumerateArray())
        {
            (PendingPartition? partition, DataApiError? error) = ValidateOne(item, $"partitions[{index.ToString(CultureInfo.InvariantCulture)}]");
            if (error is not null)
            {
                return (null, error);
            }

            result.Add(partition!);
            index++;
        }

        return (result, null);
    }

    private (PendingPartition? Partition, DataApiError? Error) ValidateOne(JsonElement item, string at)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return Fail(at, "A partition must be a JSON object.");
        }

        if (Switches.RejectUnknownFields && FirstUnknown(item, s_knownFields.Contains) is { } extra)
        {
            return Fail($"{at}.{extra}", $"Unknown field '{extra}'.");
        }

        if (String(item, "partition") is not { } key)
        {
            return Fail($"{at}.partition", "'partition' is required and must be a string.");
        }

        if (CheckKey(key) is { } keyError)
        {
            return Fail($"{at}.partition", keyError);
        }

        (byte[]? inline, string? dataError) = InlineData(item);
        if (dataError is not null)
        {
            return Fail($"{at}.data", dataError);
        }

        (string? handle, string? handleError) = Handle(item, inline is not null);
        if (handleError is not null)
        {
            return Fail($"{at}.dataHandle", handleError);
        }

        if (!TryInt64(item, "dataSize", out long? dataSize) || !TryInt64(item, "compressedDataSize", out long? compressedSize))
        {
            return Fail(at, "'dataSize' and 'compressedDataSize' must be non-negative integers.");
        }

        string? checksum = String(item, "checksum");
        if (Has(item, "checksum") && (checksum is null || CheckChecksum(checksum) is not null))
        {
            return Fail($"{at}.checksum", checksum is null ? "'checksum' must be a string." : CheckChecksum(checksum)!);
        }

        string? crc = String(item, "crc");
        if (Has(item, "crc") && (crc is null || !DataApiLimits.IsHex(crc, 1, DataApiLimits.MaxCrcLength, Switches.CrcCaseInsensitive)))
        {
            return Fail($"{at}.crc", Switches.CrcCaseInsensitive ? "'crc' must be 1 to 8 hex digits." : "'crc' must be 1 to 8 lower-case hex digits.");
        }

        if (inline is null && handle!.Length > 0 && Switches.HandleCheck == HandleCheckMode.RejectAtUpload && _service.FindVisibleBlob(_catalogHrn, _layer.Id, handle) is null)
        {
            return Fail($"{at}.dataHandle", $"Data handle '{handle}' names no completed blob in layer '{_layer.Id}'.");
        }

        EmulatorPartition value = new() { Partition = key, DataHandle = handle!, Version = -1, DataSize = dataSize ?? inline?.LongLength, CompressedDataSize = compressedSize, Checksum = checksum, Crc = crc };
        return (new PendingPartition(value, inline is not null), null);
    }

    private string? CheckKey(string key)
    {
        if (Switches.LenientPartitionKeys ? key.Length == 0 : !DataApiLimits.IsValidPartitionKey(key))
        {
            return $"A partition key must be 1 to {DataApiLimits.MaxPartitionKeyLength} characters of [A-Za-z0-9_.:-].";
        }

        if (!string.Equals(_layer.PartitioningScheme, "heretile", StringComparison.Ordinal) || !Switches.CheckHeretileLevels)
        {
            return null;
        }

        int? level = DataApiLimits.HereTileLevel(key);
        if (level is null)
        {
            return "A partition key of a heretile layer must be a decimal HERE tile ID.";
        }

        return _layer.TileLevels.Count == 0 || _layer.TileLevels.Contains(level.Value)
            ? null
            : $"Tile {key} is at level {level.Value.ToString(CultureInfo.InvariantCulture)}; the layer's tile levels are {string.Join(", ", _layer.TileLevels)}.";
    }

    private (byte[]? Data, string? Error) InlineData(JsonElement item)
    {
        if (!Has(item, "data"))
        {
            return (null, null);
        }

        if (!Switches.AllowInlineData)
        {
            return (null, "Inline 'data' is not accepted: upload the blob and send its 'dataHandle'.");
        }

        JsonElement data = item.GetProperty("data");
        if (data.ValueKind != JsonValueKind.String || !data.TryGetBytesFromBase64(out byte[]? bytes))
        {
            return (null, "'data' must be a base64 string.");
        }

        return Has(item, "dataHandle") ? (null, "'data' and 'dataHandle' are exclusive.") : (bytes, null);
    }

    private (string? Handle, string? Error) Handle(JsonElement item, bool inline)
    {
        if (inline)
        {
            return ("inline-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), null);
        }

        if (!Has(item, "dataHandle"))
        {
            return Switches.MissingHandleDeletes ? (string.Empty, null) : (null, "'dataHandle' is required (send \"\" to delete the partition).");
        }

        return String(item, "dataHandle") is { } handle ? (handle, null) : (null, "'dataHandle' must be a string.");
    }

    private string? CheckChecksum(string checksum)
    {
        int? exact = Switches.ChecksumLengthByAlgorithm ? DataApiLimits.ChecksumHexLength(_layer.Digest) : null;
        if (exact is int length)
        {
            return DataApiLimits.IsHex(checksum, length, length, anyCase: true) ? null : $"'checksum' must be {length.ToString(CultureInfo.InvariantCulture)} hex digits ({_layer.Digest}).";
        }

        return DataApiLimits.IsHex(checksum, 1, DataApiLimits.MaxChecksumLength, anyCase: true) ? null : $"'checksum' must be 1 to {DataApiLimits.MaxChecksumLength} hex digits.";
    }

    private static string? FirstUnknown(JsonElement item, Func<string, bool> known)
    {
        foreach (JsonProperty property in item.EnumerateObject())
        {
            if (!known(property.Name))
            {
                return property.Name;
            }
        }

        return null;
    }

    private static bool Has(JsonElement item, string name) => item.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null;

    private static string? String(JsonElement item, string name) =>
        item.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool TryInt64(JsonElement item, string name, out long? value)
    {
        value = null;
        if (!Has(item, name))
        {
            return true;
        }

        JsonElement element = item.GetProperty(name);
        if (element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out long number) && number >= 0)
        {
            value = number;
            return true;
        }

        return false;
    }

    private static (PendingPartition?, DataApiError?) Fail(string name, string error) => (null, DataApiError.BadRequest(name, error));
}
