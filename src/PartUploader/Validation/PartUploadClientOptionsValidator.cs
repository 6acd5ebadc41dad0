using System.Globalization;
using Microsoft.Extensions.Options;

namespace PartUploader.Internal.Validation;

/// <summary>DataAnnotations of <see cref="PartUploadClientOptions"/>, checked by source-generated code (trim-safe).</summary>
[OptionsValidator]
internal sealed partial class PartUploadClientOptionsDataValidator : IValidateOptions<PartUploadClientOptions>
{
}

/// <summary>Cross-field rules of <see cref="PartUploadClientOptions"/>, with messages that say what to fix.</summary>
internal sealed class PartUploadClientOptionsValidator : IValidateOptions<PartUploadClientOptions>
{
    private static readonly PartUploadClientOptionsDataValidator s_data = new();

    public ValidateOptionsResult Validate(string? name, PartUploadClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();
        builder.AddResult(s_data.Validate(name, options));

        if (options.BaseUrl is null && options.CatalogHrn is null)
        {
            builder.AddError("CatalogHrn (looked up) or BaseUrl (the catalog's blob v1 base URL) must be set.", nameof(options.CatalogHrn));
        }

        if (options.CatalogHrn is not null && !global::PartUploader.CatalogHrn.TryParse(options.CatalogHrn, out _))
        {
            builder.AddError($"CatalogHrn '{options.CatalogHrn}' is not a catalog HRN of the form hrn:{{partition}}:data:{{region}}:{{account}}:{{catalog}}.", nameof(options.CatalogHrn));
        }

        if (options.CatalogHrn is not null && options.BaseUrl is { IsAbsoluteUri: true } baseUrl && !NamesCatalog(baseUrl, options.CatalogHrn))
        {
            // Both may be set (uploads go to BaseUrl; publishing looks its APIs up from CatalogHrn), but never for two catalogs.
            builder.AddError($"CatalogHrn '{options.CatalogHrn}' and BaseUrl '{baseUrl.GetLeftPart(UriPartial.Path)}' name different catalogs: "
                + "BaseUrl must be that catalog's blob v1 base URL (ending in /catalogs/{CatalogHrn}). Set only one of them, or make them agree.", nameof(options.BaseUrl));
        }

        if (options.LookupUrl is not null && (!options.LookupUrl.IsAbsoluteUri || (options.LookupUrl.Scheme != Uri.UriSchemeHttps && options.LookupUrl.Scheme != Uri.UriSchemeHttp)))
        {
            builder.AddError("LookupUrl must be an absolute http or https URL.", nameof(options.LookupUrl));
        }

        if (options.BaseUrl is not null && (!options.BaseUrl.IsAbsoluteUri || (options.BaseUrl.Scheme != Uri.UriSchemeHttps && options.BaseUrl.Scheme != Uri.UriSchemeHttp)))
        {
            builder.AddError($"BaseUrl must be an absolute http or https URL; got '{(options.BaseUrl.IsAbsoluteUri ? options.BaseUrl.GetLeftPart(UriPartial.Path) : options.BaseUrl.OriginalString.Split('?', '#')[0])}'.", nameof(options.BaseUrl));
        }

        if (options.PartSize is long partSize && partSize > options.MaxBufferedBytes)
        {
            builder.AddError(string.Create(CultureInfo.InvariantCulture,
                $"MaxBufferedBytes ({options.MaxBufferedBytes}) must hold at least one part of PartSize ({partSize}) bytes."), nameof(options.MaxBufferedBytes));
        }

        if (options.SingleShotThreshold > options.MaxBufferedBytes)
        {
            builder.AddError(string.Create(CultureInfo.InvariantCulture,
                $"SingleShotThreshold ({options.SingleShotThreshold}) must not exceed MaxBufferedBytes ({options.MaxBufferedBytes}): a single PUT is buffered whole."), nameof(options.SingleShotThreshold));
        }

        CheckSpan(builder, nameof(options.CompletionTimeout), options.CompletionTimeout, TimeSpan.Zero, TimeSpan.FromDays(1));
        CheckSpan(builder, "CancelTimeout", options.CancelTimeout, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(10));
        if (options.Retry is { } retry)
        {
            CheckSpan(builder, "Retry.BaseDelay", retry.BaseDelay, TimeSpan.Zero, TimeSpan.FromMinutes(10));
            CheckSpan(builder, "Retry.MaxDelay", retry.MaxDelay, TimeSpan.Zero, TimeSpan.FromHours(1));
            CheckSpan(builder, "Retry.MaxRetryAfter", retry.MaxRetryAfter, TimeSpan.Zero, TimeSpan.FromHours(1));
            CheckSpan(builder, "Retry.AttemptTimeout", retry.AttemptTimeout, TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(1));
            CheckSpan(builder, "Retry.StallTimeout", retry.StallTimeout, TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(1));
            if (retry.FirstByteTimeout is TimeSpan firstByte)
            {
                CheckSpan(builder, "Retry.FirstByteTimeout", firstByte, TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(1));
            }
            if (retry.MaxDelay < retry.BaseDelay)
            {
                builder.AddError("Retry.MaxDelay must not be shorter than Retry.BaseDelay.", "Retry.MaxDelay");
            }
        }

        return builder.Build();
    }

    private static bool NamesCatalog(Uri baseUrl, string catalogHrn)
    {
        string path = Uri.UnescapeDataString(baseUrl.AbsolutePath).TrimEnd('/');
        return path.EndsWith("/catalogs/" + catalogHrn, StringComparison.Ordinal);
    }

    private static void CheckSpan(ValidateOptionsResultBuilder builder, string name, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            builder.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} is {value}; it must be between {min} and {max}."), name);
        }
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> when <paramref name="options"/> is invalid.</summary>
    public static void ThrowIfInvalid(string name, PartUploadClientOptions options)
    {
        ValidateOptionsResult result = new PartUploadClientOptionsValidator().Validate(name, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(name, typeof(PartUploadClientOptions), result.Failures);
        }
    }
}
