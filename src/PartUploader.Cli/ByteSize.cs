using System.Globalization;

namespace PartUploader.Cli;

/// <summary>Parses and formats byte sizes: <c>8MiB</c>, <c>5MB</c>, <c>16m</c>, <c>1048576</c>.</summary>
internal static class ByteSize
{
    private static readonly (string Suffix, long Factor)[] s_units =
    [
        ("KiB", 1L << 10), ("MiB", 1L << 20), ("GiB", 1L << 30),
        ("KB", 1000L), ("MB", 1000L * 1000), ("GB", 1000L * 1000 * 1000),
        ("K", 1L << 10), ("M", 1L << 20), ("G", 1L << 30),
        ("B", 1L),
    ];

    /// <summary>Parses a size; a bare number is bytes; K/M/G alone are binary (KiB/MiB/GiB).</summary>
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        string value = text.Trim();
        long factor = 1;
        foreach ((string suffix, long unit) in s_units)
        {
            if (value.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                factor = unit;
                value = value[..^suffix.Length].TrimEnd();
                break;
            }
        }

        if (!decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal number) || number <= 0)
        {
            return false;
        }

        decimal result = number * factor;
        if (result > long.MaxValue || result != decimal.Truncate(result))
        {
            return false;
        }

        bytes = (long)result;
        return true;
    }

    /// <summary>Formats bytes in binary units, for example <c>12.5 MiB</c>.</summary>
    public static string Format(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.00", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };
}
