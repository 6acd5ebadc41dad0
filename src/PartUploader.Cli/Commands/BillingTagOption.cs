using System.CommandLine;
using System.Text.RegularExpressions;

namespace PartUploader.Cli.Commands;

/// <summary><c>--billing-tag</c>: sent as the <c>billingTag</c> query parameter of every blob call (<see cref="PartUploadClientOptions.BillingTag"/>).</summary>
internal sealed partial class BillingTagOption
{
    public Option<string?> Option { get; } = new("--billing-tag")
    {
        Description = "A billing tag sent with every request (4 to 16 letters and digits), to group the costs of this work.",
        HelpName = "tag",
    };

    /// <summary>Checks the tag as the service does; returns a message for exit code 2, or null.</summary>
    public string? Validate(ParseResult parse) =>
        parse.GetValue(Option) is string tag && !Tag().IsMatch(tag)
            ? $"--billing-tag must be 4 to 16 letters and digits (was '{tag}')."
            : null;

    public void Configure(ParseResult parse, PartUploadClientOptions options) => options.BillingTag = parse.GetValue(Option);

    [GeneratedRegex("^[A-Za-z0-9]{4,16}$")]
    private static partial Regex Tag();
}
