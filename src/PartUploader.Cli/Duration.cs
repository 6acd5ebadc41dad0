using System.Globalization;

namespace PartUploader.Cli;

/// <summary>Parses durations strictly: a positive number and one unit, <c>ms</c>, <c>s</c>, <c>m</c> or <c>h</c> (<c>500ms</c>, <c>90s</c>, <c>1.5m</c>, <c>2h</c>).</summary>
/// <remarks>A bare number is refused (seconds or minutes?), and so are other letter cases, spaces inside, signs and compound forms such as <c>1h30m</c>.</remarks>
internal static class Duration
{
    private static readonly (string Suffix, TimeSpan Unit)[] s_units =
    [
        ("ms", TimeSpan.FromMilliseconds(1)), ("s", TimeSpan.FromSeconds(1)), ("m", TimeSpan.FromMinutes(1)), ("h", TimeSpan.FromHours(1)),
    ];

    /// <summary>Parses a duration; false for anything but a positive number followed directly by one unit.</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (text is null)
        {
            return false;
        }

        foreach ((string suffix, TimeSpan unit) in s_units)
        {
            if (!text.EndsWith(suffix, StringComparison.Ordinal))
            {
                continue;
            }

            string number = text[..^suffix.Length];
            if (number.Length == 0 || !char.IsAsciiDigit(number[0]) || !char.IsAsciiDigit(number[^1])
                || !decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal value) || value <= 0)
            {
                return false;
            }

            decimal ticks = value * unit.Ticks;
            if (ticks > TimeSpan.MaxValue.Ticks || ticks < 1)
            {
                return false;
            }

            duration = TimeSpan.FromTicks((long)ticks);
            return true;
        }

        return false;
    }
}
