namespace PartUploader.Emulator.Internal;

/// <summary>The contract's constants, emulator side (spec sections 1-3).</summary>
internal static class ServiceLimits
{
    /// <summary>Highest part number (spec 2.2).</summary>
    public const int MaxPartNumber = 10_000;

    /// <summary>Largest part or single PUT: 5 GiB (spec 2.2, 3).</summary>
    public const long MaxPartSize = 5L * 1024 * 1024 * 1024;

    /// <summary>Largest blob via multipart: 50 GB (spec 2.1).</summary>
    public const long MaxBlobSize = 50_000_000_000;

    /// <summary>The integrity header (spec 1).</summary>
    public const string DigestHeader = "X-HERE-Digest";

    /// <summary>The correlation header of error replies (spec 1).</summary>
    public const string CorrelationHeader = "X-Correlation-ID";

    /// <summary>The message of a complete call naming a part that was not uploaded (spec 2.3).</summary>
    public const string PartsNotFoundMessage = "One or more of the specified parts could not be found.";

    /// <summary>The OAuth timestamp window (spec 8).</summary>
    public static readonly TimeSpan OAuthTimestampWindow = TimeSpan.FromMinutes(10);

    /// <summary>The longest token lifetime (spec 8).</summary>
    public static readonly TimeSpan MaxTokenLifetime = TimeSpan.FromHours(24);

    /// <summary>Checks a data handle: <c>[0-9A-Za-z.-]{1,max}</c> (spec 1).</summary>
    public static bool IsValidDataHandle(string? handle, int maxLength)
    {
        if (string.IsNullOrEmpty(handle) || handle.Length > maxLength)
        {
            return false;
        }

        foreach (char c in handle)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '.' || c == '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Checks a billing tag: <c>[A-Za-z0-9]{4,16}</c> (spec 1).</summary>
    public static bool IsValidBillingTag(string tag)
    {
        if (tag.Length is < 4 or > 16)
        {
            return false;
        }

        foreach (char c in tag)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
