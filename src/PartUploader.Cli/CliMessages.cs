using System.Text.RegularExpressions;

namespace PartUploader.Cli;

/// <summary>Rewrites SDK and parser messages into the CLI's own words: its option names, no .NET type or parameter names.</summary>
internal static partial class CliMessages
{
    private static readonly (string Sdk, string Cli)[] s_names =
    [
        ("DataHandle", "--handle"), ("LayerId", "--layer"), ("ContentType", "--content-type"), ("PartSize", "--part-size"),
        ("MaxConcurrency", "--concurrency"), ("JournalPath", "--resume"), ("CatalogHrn", "--catalog"), ("LookupUrl", "--lookup-url"),
        ("DigestAlgorithm", "--digest"), ("BillingTag", "--billing-tag"), ("MaxBufferedBytes", "--budget"), ("ContentEncoding", "--content-encoding"),
        ("PartNumbering.Reserved", "--numbering reserved"), ("PartNumbering.FreshOnRetry", "--numbering fresh"), ("PartNumbering", "--numbering"),
        ("WholeBlobDigests", "--digests"), ("DownloadOptions.Offset", "--range"), ("DownloadOptions.Length", "--range"),
    ];

    /// <summary>Strips "(Parameter 'x')" and "Actual value was ..." and names CLI options instead of SDK properties.</summary>
    public static string Clean(string message)
    {
        string text = ParameterSuffix().Replace(message, string.Empty);
        text = ActualValue().Replace(text, string.Empty);
        foreach ((string sdk, string cli) in s_names)
        {
            text = Regex.Replace(text, $@"\b{sdk}\b", cli, RegexOptions.CultureInvariant);
        }

        return text.Trim();
    }

    /// <summary>Rewrites a command-line parse error ("Cannot parse argument 'x' for option '--n' as expected type 'System.Nullable`1[System.Int32]'").</summary>
    public static string ParseError(string message)
    {
        Match match = CannotParse().Match(message);
        if (!match.Success)
        {
            return Clean(message);
        }

        string type = match.Groups["type"].Value;
        string expected = type.Contains("Int", StringComparison.Ordinal) ? "a whole number"
            : type.Contains("Boolean", StringComparison.Ordinal) ? "true or false"
            : "a value of another form";
        return $"{match.Groups["option"].Value} expects {expected}; '{match.Groups["value"].Value}' is not one.";
    }

    [GeneratedRegex(@"\s*\(Parameter '[^']*'\)")]
    private static partial Regex ParameterSuffix();

    [GeneratedRegex(@"\s*Actual value was [^\r\n]*")]
    private static partial Regex ActualValue();

    [GeneratedRegex(@"Cannot parse argument '(?<value>[^']*)' for (option|command|argument) '(?<option>[^']*)' as expected type '(?<type>[^']*)'")]
    private static partial Regex CannotParse();
}
