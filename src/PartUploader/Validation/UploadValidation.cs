using System.Globalization;
using System.Net.Http.Headers;

namespace PartUploader.Internal.Validation;

/// <summary>Checks of per-call inputs before any request, with messages that name the argument, the value and the rule.</summary>
/// <remarks>
/// The layer id and the data handle each become one path segment of the request URI
/// (<c>/layers/{layerId}/data/{dataHandle}</c>). Neither may change the path's structure: both are
/// restricted to characters that never need escaping (no <c>/</c>, <c>\</c>, <c>%</c>, <c>?</c>, <c>#</c>),
/// and neither may consist of dots only (<c>.</c> and <c>..</c> are dot segments that URI normalization
/// removes, which would send the request, token included, to another resource of the same host; longer
/// runs of dots are refused too, as no real identifier needs them and some servers treat them alike).
/// </remarks>
internal static class UploadValidation
{
    private static readonly System.Buffers.SearchValues<char> s_handleChars =
        System.Buffers.SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.-");

    /// <summary>The URI-unreserved characters (RFC 3986 section 2.3): never escaped, never a delimiter.</summary>
    private static readonly System.Buffers.SearchValues<char> s_layerChars =
        System.Buffers.SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-._~");

    /// <summary>The longest time limit: timers of the system clock run at most about 49.7 days.</summary>
    public static readonly TimeSpan MaxTimeLimit = TimeSpan.FromDays(49);

    public static void Validate(PartUploadOptions options, int maxDataHandleLength)
    {
        ArgumentNullException.ThrowIfNull(options);
        ValidateLayerId(options.LayerId, nameof(options), nameof(PartUploadOptions.LayerId));
        ValidateDataHandle(options.DataHandle, maxDataHandleLength, nameof(options));
        ValidateTimeLimit(options.TimeLimit, nameof(options), "PartUploadOptions.TimeLimit");

        if (string.IsNullOrWhiteSpace(options.ContentType) || !MediaTypeHeaderValue.TryParse(options.ContentType, out _))
        {
            throw new ArgumentException("ContentType must be a valid media type equal to the layer's, e.g. application/octet-stream.", nameof(options));
        }

        if (options.ContentEncoding is { } encoding && (encoding.Length == 0 || encoding.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '-')))
        {
            throw new ArgumentException("ContentEncoding must be null or a token such as gzip.", nameof(options));
        }
    }

    public static void ValidateDataHandle(string? dataHandle, int maxLength, string paramName)
    {
        if (string.IsNullOrEmpty(dataHandle))
        {
            throw new ArgumentException("DataHandle must not be empty.", paramName);
        }

        if (dataHandle.Length > maxLength)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"DataHandle is {dataHandle.Length} characters long; at most {maxLength} are allowed."), paramName);
        }

        int bad = dataHandle.AsSpan().IndexOfAnyExcept(s_handleChars);
        if (bad >= 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"DataHandle has a character that is not allowed at position {bad}; only 0-9, A-Z, a-z, '.' and '-' are."), paramName);
        }

        ThrowIfDotsOnly(dataHandle, "DataHandle", paramName);
    }

    /// <summary>A time limit is null (none), or more than zero and at most <see cref="MaxTimeLimit"/>.</summary>
    public static void ValidateTimeLimit(TimeSpan? limit, string paramName, string optionName)
    {
        if (limit is TimeSpan value && (value <= TimeSpan.Zero || value > MaxTimeLimit))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{optionName} must be more than zero and at most {MaxTimeLimit.TotalDays} days, or null for no limit (was {value})."), paramName);
        }
    }

    public static void ValidateLayerId(string? layerId, string paramName) => ValidateLayerId(layerId, paramName, "LayerId");

    /// <summary>True when <paramref name="segment"/> (unescaped) consists of dots only: <c>.</c>, <c>..</c> or a longer run.</summary>
    public static bool IsDotsOnly(ReadOnlySpan<char> segment) => !segment.IsEmpty && !segment.ContainsAnyExcept('.');

    private static void ValidateLayerId(string? layerId, string paramName, string name)
    {
        if (string.IsNullOrEmpty(layerId))
        {
            throw new ArgumentException($"{name} must not be empty.", paramName);
        }

        int bad = layerId.AsSpan().IndexOfAnyExcept(s_layerChars);
        if (bad >= 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{name} has a character that is not allowed at position {bad}; only 0-9, A-Z, a-z, '-', '.', '_' and '~' are (no white space, '/', '\\', '%', '?' or '#')."), paramName);
        }

        ThrowIfDotsOnly(layerId, name, paramName);
    }

    private static void ThrowIfDotsOnly(string value, string name, string paramName)
    {
        if (IsDotsOnly(value))
        {
            throw new ArgumentException(
                $"{name} must not be '.' or '..' (nor consist of dots only): the service would read it as a path segment.", paramName);
        }
    }
}
