using System.Globalization;

namespace PartUploader.Cli;

/// <summary>Parses <c>--range</c>: <c>FIRST-LAST</c> (both included, like an HTTP range: <c>100-199</c> is 100 bytes) or <c>FIRST-</c> (to the end).</summary>
internal static class ByteRange
{
    public const string Forms = "FIRST-LAST or FIRST- in bytes counted from 0 (for example 100-199 for 100 bytes, or 1000- for everything from byte 1000)";

    public static bool TryParse(string? text, out long offset, out long? length)
    {
        offset = 0;
        length = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        int dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || !long.TryParse(text.AsSpan(0, dash).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out offset))
        {
            return false;
        }

        ReadOnlySpan<char> last = text.AsSpan(dash + 1).Trim();
        if (last.IsEmpty)
        {
            return true;
        }

        if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out long end) || end < offset || end == long.MaxValue)
        {
            return false;
        }

        length = end - offset + 1;
        return true;
    }

    /// <summary>Formats a range as the user gave it: <c>100-199</c> or <c>1000-</c>.</summary>
    public static string Format(long offset, long? length) => length is long count
        ? string.Create(CultureInfo.InvariantCulture, $"{offset}-{offset + count - 1}")
        : string.Create(CultureInfo.InvariantCulture, $"{offset}-");
}
