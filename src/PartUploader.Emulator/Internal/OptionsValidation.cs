using PartUploader.Emulator.Catalogs;

namespace PartUploader.Emulator.Internal;

/// <summary>Checks a <see cref="BlobEmulatorOptions"/> before the emulator starts.</summary>
internal static class OptionsValidation
{
    /// <summary>Throws when an option is out of range.</summary>
    /// <exception cref="ArgumentException">The options are invalid (the message names the property).</exception>
    public static void Validate(BlobEmulatorOptions options)
    {
        if (options.Catalogs is null || options.Catalogs.Count == 0)
        {
            throw new ArgumentException("BlobEmulatorOptions.Catalogs must hold at least one catalog.", nameof(options));
        }

        HashSet<string> hrns = new(StringComparer.Ordinal);
        foreach (EmulatorCatalog catalog in options.Catalogs)
        {
            if (string.IsNullOrWhiteSpace(catalog.Hrn) || !catalog.Hrn.StartsWith("hrn:", StringComparison.Ordinal) || catalog.Hrn.Contains('/', StringComparison.Ordinal))
            {
                throw new ArgumentException($"BlobEmulatorOptions.Catalogs: '{catalog.Hrn}' is not an HRN (hrn:partition:data:region:account:catalog).", nameof(options));
            }

            if (!hrns.Add(catalog.Hrn))
            {
                throw new ArgumentException($"BlobEmulatorOptions.Catalogs: '{catalog.Hrn}' is listed twice.", nameof(options));
            }

            foreach (EmulatorLayer layer in catalog.Layers)
            {
                if (string.IsNullOrWhiteSpace(layer.Id) || layer.Id.Contains('/', StringComparison.Ordinal) || string.IsNullOrWhiteSpace(layer.ContentType))
                {
                    throw new ArgumentException($"BlobEmulatorOptions.Catalogs: a layer of '{catalog.Hrn}' needs an Id without '/' and a ContentType.", nameof(options));
                }

                PublishingValidation.ValidateLayer(catalog.Hrn, layer);
            }
        }

        ValidateUrls(options);

        if (options.MinimumPartSize < 0)
        {
            throw new ArgumentException($"BlobEmulatorOptions.MinimumPartSize must be >= 0 (was {options.MinimumPartSize}).", nameof(options));
        }

        if (options.ContentTypeMismatchStatus is < 400 or > 499)
        {
            throw new ArgumentException($"BlobEmulatorOptions.ContentTypeMismatchStatus must be a 4xx status such as 400 or 415 (was {options.ContentTypeMismatchStatus}).", nameof(options));
        }

        if (options.MaxDataHandleLength < 1)
        {
            throw new ArgumentException($"BlobEmulatorOptions.MaxDataHandleLength must be >= 1 (was {options.MaxDataHandleLength}).", nameof(options));
        }

        if (options.TokenLifetime <= TimeSpan.Zero || options.TokenLifetime > TimeSpan.FromHours(24))
        {
            throw new ArgumentException($"BlobEmulatorOptions.TokenLifetime must be within (0, 24 h] (was {options.TokenLifetime}).", nameof(options));
        }

        if (options.BandwidthBytesPerSecondPerConnection is <= 0)
        {
            throw new ArgumentException("BlobEmulatorOptions.BandwidthBytesPerSecondPerConnection must be positive or null.", nameof(options));
        }

        if (options.MaxRequestsInFlight is < 1)
        {
            throw new ArgumentException($"BlobEmulatorOptions.MaxRequestsInFlight must be >= 1 or null (was {options.MaxRequestsInFlight}).", nameof(options));
        }

        if (options.CapacityRetryAfter < TimeSpan.Zero)
        {
            throw new ArgumentException($"BlobEmulatorOptions.CapacityRetryAfter must be >= 0 (was {options.CapacityRetryAfter}).", nameof(options));
        }

        ArgumentNullException.ThrowIfNull(options.TimeProvider, "options.TimeProvider");
        PublishingValidation.Validate(options.Publishing);
    }

    /// <summary>Every URL's scheme must match <see cref="BlobEmulatorOptions.UseHttps"/>: Kestrel would otherwise look for a
    /// development certificate (https without the switch) or listen in plain text although HTTPS was asked for.</summary>
    private static void ValidateUrls(BlobEmulatorOptions options)
    {
        if (options.Urls is null)
        {
            return;
        }

        string expected = options.UseHttps ? "https://" : "http://";
        foreach (string url in options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!url.StartsWith(expected, StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException(
                    options.UseHttps
                        ? $"BlobEmulatorOptions.Urls: '{url}' is not an https:// URL; with UseHttps every URL must be https://."
                        : $"BlobEmulatorOptions.Urls: '{url}' is not an http:// URL; set UseHttps to listen on https://.",
                    nameof(options));
            }
        }
    }
}
