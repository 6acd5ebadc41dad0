using System.Globalization;

namespace PartUploader.Emulator.Internal;

/// <summary>Parses a single <c>bytes=a-b</c>, <c>bytes=a-</c> or <c>bytes=-n</c> range (spec 3).</summary>
internal static class RangeRequest
{
    public enum Outcome
    {
        /// <summary>No range: send the whole blob.</summary>
        None,

        /// <summary>A satisfiable range.</summary>
        Range,

        /// <summary>Syntactically valid but unsatisfiable (416).</summary>
        Unsatisfiable,

        /// <summary>Malformed or several ranges (400).</summary>
        Invalid,
    }

    public static Outcome Parse(string? header, long length, out long offset, out long count)
    {
        offset = 0;
        count = length;
        if (string.IsNullOrWhiteSpace(header))
        {
            return Outcome.None;
        }

        string value = header.Trim();
        if (!value.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase) || value.Contains(',', StringComparison.Ordinal))
        {
            return Outcome.Invalid;
        }

        string spec = value[6..].Trim();
        int dash = spec.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            return Outcome.Invalid;
        }

        string startText = spec[..dash].Trim();
        string endText = spec[(dash + 1)..].Trim();
        if (startText.Length == 0)
        {
            if (!TryParse(endText, out long suffix))
            {
                return Outcome.Invalid;
            }

            if (suffix == 0 || length == 0)
            {
                return Outcome.Unsatisfiable;
            }

            count = Math.Min(suffix, length);
            offset = length - count;
            return Outcome.Range;
        }

        if (!TryParse(startText, out long start))
        {
            return Outcome.Invalid;
        }

        long end = length - 1;
        if (endText.Length > 0)
        {
            if (!TryParse(endText, out end) || end < start)
            {
                return Outcome.Invalid;
            }
        }

        if (start >= length)
        {
            return Outcome.Unsatisfiable;
        }

        end = Math.Min(end, length - 1);
        offset = start;
        count = end - start + 1;
        return Outcome.Range;
    }

    private static bool TryParse(string text, out long value) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
