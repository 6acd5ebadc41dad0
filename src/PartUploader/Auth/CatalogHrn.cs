using System.Diagnostics.CodeAnalysis;

namespace PartUploader;

/// <summary>
/// The HERE Resource Name of a catalog, <c>hrn:{partition}:data:{region}:{account}:{catalog}</c>
/// (for example <c>hrn:here:data::myorg:my-catalog</c>; the region may be empty).
/// </summary>
/// <remarks>
/// Parse it once with <see cref="Parse"/> or <see cref="TryParse"/>: an invalid HRN is rejected
/// before any request is sent. Equality is ordinal on the text. Instances are immutable and thread-safe.
/// </remarks>
public sealed class CatalogHrn : IEquatable<CatalogHrn>
{
    private const string Scheme = "hrn";
    private const string DataService = "data";
    private const string Shape = "hrn:{partition}:data:{region}:{account}:{catalog}";

    private readonly string _value;

    private CatalogHrn(string value, string partition, string region, string account, string catalog)
    {
        _value = value;
        Partition = partition;
        Region = region;
        Account = account;
        Catalog = catalog;
    }

    /// <summary>Gets the partition, for example <c>here</c>.</summary>
    public string Partition { get; }

    /// <summary>Gets the region.</summary>
    /// <value>Empty for the usual global catalogs.</value>
    public string Region { get; }

    /// <summary>Gets the account (realm or organisation) that owns the catalog.</summary>
    public string Account { get; }

    /// <summary>Gets the catalog id.</summary>
    public string Catalog { get; }

    /// <summary>Parses a catalog HRN.</summary>
    /// <param name="value">The text, for example <c>hrn:here:data::myorg:my-catalog</c>.</param>
    /// <returns>The parsed HRN.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    /// <exception cref="FormatException"><paramref name="value"/> is not a catalog HRN; the message says what is wrong.</exception>
    public static CatalogHrn Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        string? error = TryParseCore(value, out CatalogHrn? result);
        if (error is not null)
        {
            throw new FormatException($"The catalog HRN '{value}' is invalid: {error}. Expected {Shape}, for example hrn:here:data::myorg:my-catalog.");
        }

        return result!;
    }

    /// <summary>Tries to parse a catalog HRN.</summary>
    /// <param name="value">The text, for example <c>hrn:here:data::myorg:my-catalog</c>.</param>
    /// <param name="result">The parsed HRN, or null when <paramref name="value"/> is not a catalog HRN.</param>
    /// <returns>True when <paramref name="value"/> is a catalog HRN.</returns>
    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out CatalogHrn? result)
    {
        if (value is null)
        {
            result = null;
            return false;
        }

        return TryParseCore(value, out result) is null;
    }

    /// <summary>Returns the HRN text exactly as it was parsed.</summary>
    /// <returns>The HRN, for example <c>hrn:here:data::myorg:my-catalog</c>.</returns>
    public override string ToString() => _value;

    /// <inheritdoc/>
    public bool Equals(CatalogHrn? other) => other is not null && string.Equals(_value, other._value, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as CatalogHrn);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_value);

    /// <summary>Compares two HRNs by their text (ordinal).</summary>
    /// <param name="left">The first HRN.</param>
    /// <param name="right">The second HRN.</param>
    /// <returns>True when both are null or have the same text.</returns>
    public static bool operator ==(CatalogHrn? left, CatalogHrn? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Compares two HRNs by their text (ordinal).</summary>
    /// <param name="left">The first HRN.</param>
    /// <param name="right">The second HRN.</param>
    /// <returns>True when the texts differ.</returns>
    public static bool operator !=(CatalogHrn? left, CatalogHrn? right) => !(left == right);

    // Returns null on success, otherwise what is wrong (without the "invalid" preamble).
    private static string? TryParseCore(string value, out CatalogHrn? result)
    {
        result = null;
        if (value.Length == 0)
        {
            return "it is empty";
        }

        foreach (char c in value)
        {
            // The HRN goes into a URL path as is (spec section 7), so nothing that changes the path may appear.
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c is '/' or '\\' or '?' or '#' or '%')
            {
                return "it contains a white-space, control or URL-reserved character ('/', '\\', '?', '#', '%')";
            }
        }

        string[] segments = value.Split(':');
        if (segments.Length != 6)
        {
            return $"it has {segments.Length} ':'-separated segments instead of 6";
        }

        if (!string.Equals(segments[0], Scheme, StringComparison.Ordinal))
        {
            return "it does not start with 'hrn:'";
        }

        if (segments[1].Length == 0)
        {
            return "the partition (segment 2) is empty";
        }

        if (!string.Equals(segments[2], DataService, StringComparison.Ordinal))
        {
            return $"the service (segment 3) is '{segments[2]}' instead of 'data'";
        }

        if (segments[4].Length == 0)
        {
            return "the account (segment 5) is empty";
        }

        if (segments[5].Length == 0)
        {
            return "the catalog (segment 6) is empty";
        }

        result = new CatalogHrn(value, segments[1], segments[3], segments[4], segments[5]);
        return null;
    }
}
