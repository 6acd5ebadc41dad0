using System.Globalization;
using System.Net.Http.Headers;

namespace PartUploader.Internal.Validation;

/// <summary>Checks of per-call inputs before any request, with messages that name the argument, the value and the rule.</summary>
internal static class UploadValidation
{
    private static readonly System.Buffers.SearchValues<char> s_handleChars =
        System.Buffers.SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.-");

    public static void Validate(PartUploadOptions options, int maxDataHandleLength)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.LayerId) || options.LayerId.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '/' or '?' or '#'))
        {
            throw new ArgumentException("LayerId must be a non-empty layer id without white space, '/', '?' or '#'.", nameof(options));
        }

        ValidateDataHandle(options.DataHandle, maxDataHandleLength, nameof(options));

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
    }

    public static void ValidateLayerId(string? layerId, string paramName)
    {
        if (string.IsNullOrWhiteSpace(layerId) || layerId.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '/' or '?' or '#'))
        {
            throw new ArgumentException("The layer id must be non-empty, without white space, '/', '?' or '#'.", paramName);
        }
    }
}
