namespace PartUploader.Emulator.Catalogs;

/// <summary>The contract's constants for the publish, metadata, query, index and config services, emulator side (spec publish-v2).</summary>
internal static class DataApiLimits
{
    /// <summary>Default cap of partitions per upload-partitions request (spec publish-v2 1.2, P1); the switch is <see cref="PublishEmulatorOptions.MaxPartitionsPerRequest"/>.</summary>
    public const int DefaultMaxPartitionsPerRequest = 1000;

    /// <summary>Longest partition key (spec publish-v2 1.2, P23).</summary>
    public const int MaxPartitionKeyLength = 500;

    /// <summary>Default limit of an index record's user-defined bytes (spec publish-v2 section 2, P22); the switch is <see cref="PublishEmulatorOptions.IndexRecordLimit"/>.</summary>
    public const int DefaultIndexRecordLimit = 256;

    /// <summary>Most <c>partition</c> parameters of one query API call (spec publish-v2 section 4).</summary>
    public const int MaxQueryPartitions = 100;

    /// <summary>Longest <c>checksum</c> (spec publish-v2 section 5, P6) and index <c>checksum</c>/<c>crc</c> (P21).</summary>
    public const int MaxChecksumLength = 128;

    /// <summary>Longest <c>crc</c> of a partition: 8 hex digits (spec publish-v2 section 5, P4).</summary>
    public const int MaxCrcLength = 8;

    /// <summary>Largest JSON request body the emulator reads (not a service limit; bigger bodies answer 413).</summary>
    public const int MaxJsonBody = 16 * 1024 * 1024;

    /// <summary>Default idle expiry of an <c>initialized</c> publication: the observed <c>expires - started</c> (spec publish-v2 1.1, P14).</summary>
    public static readonly TimeSpan DefaultIdleExpiry = TimeSpan.FromHours(72);

    /// <summary>The hex length of a checksum per config digest name (spec publish-v2 section 5, P6 strict).</summary>
    public static int? ChecksumHexLength(string? digest) => digest switch
    {
        "MD5" => 32,
        "SHA-1" => 40,
        "SHA-256" => 64,
        _ => null,
    };

    /// <summary>Checks a partition key: a full match of <c>[A-Za-z0-9_.:-]{1,500}</c> (spec publish-v2 1.2, P23).</summary>
    public static bool IsValidPartitionKey(string key)
    {
        if (key.Length is 0 or > MaxPartitionKeyLength)
        {
            return false;
        }

        foreach (char c in key)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or ':' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The level of a decimal HERE tile ID, (bit length - 1) / 2, or null when the key is not a positive decimal (spec publish-v2 P31).</summary>
    public static int? HereTileLevel(string key)
    {
        if (key.Length is 0 or > 19 || key[0] == '0')
        {
            return null;
        }

        foreach (char c in key)
        {
            if (!char.IsAsciiDigit(c))
            {
                return null;
            }
        }

        if (!long.TryParse(key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long id) || id <= 0)
        {
            return null;
        }

        int bitLength = 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)id);
        return (bitLength - 1) / 2;
    }

    /// <summary>Checks hex digits: lower case only unless <paramref name="anyCase"/>, <paramref name="min"/>..<paramref name="max"/> long.</summary>
    public static bool IsHex(string value, int min, int max, bool anyCase)
    {
        if (value.Length < min || value.Length > max)
        {
            return false;
        }

        foreach (char c in value)
        {
            if (!(char.IsAsciiDigit(c) || c is >= 'a' and <= 'f' || (anyCase && c is >= 'A' and <= 'F')))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Checks a lowercase UUID, <c>8-4-4-4-12</c> of <c>[0-9a-f]</c> (spec publish-v2 section 2).</summary>
    public static bool IsLowercaseUuid(string value)
    {
        if (value.Length != 36)
        {
            return false;
        }

        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            bool dash = i is 8 or 13 or 18 or 23;
            if (dash ? c != '-' : !(char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }
}
