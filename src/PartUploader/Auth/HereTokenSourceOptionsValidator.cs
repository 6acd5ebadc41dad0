using System.Globalization;
using Microsoft.Extensions.Options;

namespace PartUploader.Internal.Auth;

/// <summary>Checks <see cref="HereTokenSourceOptions"/>; messages name the option, its value and the allowed range.</summary>
internal static class HereTokenSourceOptionsValidator
{
    public static void ThrowIfInvalid(HereTokenSourceOptions options)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(options.RequestFormat))
        {
            failures.Add($"{nameof(options.RequestFormat)} is {options.RequestFormat}; allowed: Json, Form.");
        }

        if (options.ExpiresIn is { } e && (e < TimeSpan.FromSeconds(1) || e > TimeSpan.FromHours(24)))
        {
            failures.Add(Range(nameof(options.ExpiresIn), e, "1 second to 24 hours, or null"));
        }

        if (options.RefreshMargin < TimeSpan.Zero || options.RefreshMargin > TimeSpan.FromHours(1))
        {
            failures.Add(Range(nameof(options.RefreshMargin), options.RefreshMargin, "0 to 1 hour"));
        }

        if (options.MaxRetries is < 0 or > 10)
        {
            failures.Add(Range(nameof(options.MaxRetries), options.MaxRetries, "0 to 10"));
        }

        if (options.RetryDelay < TimeSpan.Zero || options.RetryDelay > TimeSpan.FromMinutes(1))
        {
            failures.Add(Range(nameof(options.RetryDelay), options.RetryDelay, "0 to 1 minute"));
        }

        if (options.RequestTimeout <= TimeSpan.Zero || options.RequestTimeout > TimeSpan.FromMinutes(5))
        {
            failures.Add(Range(nameof(options.RequestTimeout), options.RequestTimeout, "more than 0 up to 5 minutes"));
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(HereTokenSourceOptions), failures);
        }
    }

    private static string Range(string name, object value, string allowed) =>
        string.Create(CultureInfo.InvariantCulture, $"{nameof(HereTokenSourceOptions)}.{name} is {value}; allowed: {allowed}.");
}
