using System.CommandLine;

namespace PartUploader.Cli.Commands;

/// <summary>
/// The options of <c>partupload upload</c> that expose the SDK's blob attributes and tuning: billing tag, content
/// encoding and gzip, part numbering, read-back verification, whole-blob digests, memory budget and forced multipart.
/// Each is checked before any request (exit code 2, the message names the option, or both options of a conflict).
/// </summary>
internal sealed class UploadTuningOptions
{
    public const string Gzip = "gzip";
    private static readonly string[] s_digestNames = ["md5", "sha1", "sha256"];

    public BillingTagOption BillingTag { get; } = new();

    public Option<string?> ContentEncoding { get; } = new("--content-encoding")
    {
        Description = "The content encoding to declare for the blob (a token such as gzip); it must match the layer's. The bytes are sent as they are (see --gzip). Not for a directory.",
        HelpName = "encoding",
    };

    public Option<bool> GzipOption { get; } = new("--gzip")
    {
        Description = "Compress with gzip while uploading and declare the content encoding gzip (the layer's must be gzip). Reports the original and the uploaded size. Not with --resume or a directory.",
    };

    public Option<string> Numbering { get; } = new("--numbering")
    {
        Description = "How parts are numbered: fresh (1..N; a retry takes the next free number) or reserved (each part owns 4 numbers, so number order is byte order; at most 2,500 parts; not with --resume).",
        DefaultValueFactory = _ => "fresh",
        HelpName = "fresh|reserved",
    };

    public Option<string> Verify { get; } = new("--verify")
    {
        Description = "What is read back after the upload and compared by CRC-32C: retried (the parts that were retried) or full (the whole blob).",
        DefaultValueFactory = _ => "retried",
        HelpName = "retried|full",
    };

    public Option<string?> Digests { get; } = new("--digests")
    {
        Description = "Whole-blob digests to compute while reading, printed and in the JSON output: a comma-separated list of md5, sha1, sha256 (for example sha1,sha256).",
        HelpName = "list",
    };

    public Option<string?> Budget { get; } = new("--budget")
    {
        Description = "The most bytes of part data held in memory at once, at least 5MiB (for example 64MiB; default: 256MiB or concurrency x part size). It caps the parts in flight; blobs larger than it always go multipart.",
        HelpName = "size",
    };

    public Option<bool> ForceMultipart { get; } = new("--force-multipart")
    {
        Description = "Use a multipart upload even for a blob small enough for a single request (below 50 MB). Not for a directory.",
    };

    public void AddTo(Command command)
    {
        foreach (Option option in (Option[])[BillingTag.Option, ContentEncoding, GzipOption, Numbering, Verify, Digests, Budget, ForceMultipart])
        {
            command.Options.Add(option);
        }
    }

    /// <summary>Checks these options and their conflicts with the others; returns a message for exit code 2, or null.</summary>
    public string? Validate(ParseResult parse, UploadCommandOptions upload, bool directory)
    {
        if (BillingTag.Validate(parse) is string tagProblem)
        {
            return tagProblem;
        }

        string? encoding = parse.GetValue(ContentEncoding);
        if (encoding is not null && (encoding.Length == 0 || encoding.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '-')))
        {
            return $"--content-encoding must be a token of letters, digits and '-', such as gzip or br (was '{encoding}').";
        }

        bool gzip = parse.GetValue(GzipOption);
        if (gzip && encoding is not null && !string.Equals(encoding, Gzip, StringComparison.OrdinalIgnoreCase))
        {
            return $"--gzip compresses with gzip, but --content-encoding declares '{encoding}': give one of them (or --content-encoding gzip).";
        }

        bool resume = parse.GetValue(upload.Resume) is not null;
        if (gzip && resume)
        {
            return "--gzip compresses while reading, so the upload cannot be continued from --resume: leave out one of them.";
        }

        // The SDK's batch upload has no forced multipart, and a directory's items take no content encoding from outside.
        string? singleOnly = gzip ? "--gzip" : parse.GetValue(ForceMultipart) ? "--force-multipart" : encoding is not null ? "--content-encoding" : null;
        if (directory && singleOnly is not null)
        {
            return $"{singleOnly} is for a single file or standard input; it cannot be used for a directory.";
        }

        string numbering = parse.GetValue(Numbering)!.ToLowerInvariant();
        if (numbering is not ("fresh" or "reserved"))
        {
            return $"--numbering must be fresh or reserved (was '{parse.GetValue(Numbering)}').";
        }

        if (numbering == "reserved" && resume)
        {
            return "--numbering reserved cannot be used with --resume: a resumed part could not tell which of its numbers an interrupted attempt used. Use --numbering fresh (the default) to resume.";
        }

        if (parse.GetValue(Verify)!.ToLowerInvariant() is not ("retried" or "full"))
        {
            return $"--verify must be retried or full (was '{parse.GetValue(Verify)}').";
        }

        if (parse.GetValue(Digests) is string digests && !TryParseDigests(digests, out _))
        {
            return $"--digests takes a comma-separated list of {string.Join(", ", s_digestNames)} (was '{digests}').";
        }

        if (parse.GetValue(Budget) is string budgetText)
        {
            if (!ByteSize.TryParse(budgetText, out long budget))
            {
                return $"--budget '{budgetText}' is not a size (for example 64MiB, 100MB or 67108864).";
            }

            if (budget < UploadCommandOptions.MinPartSize)
            {
                return $"--budget must be at least 5MiB, the smallest part (was {budgetText}).";
            }

            if (upload.PartBytes(parse) is long part && part > budget)
            {
                return $"--budget ({budgetText}) must hold at least one part of --part-size ({parse.GetValue(upload.PartSize)}).";
            }
        }

        return null;
    }

    /// <summary>Sets the client options these flags govern (checked by <see cref="Validate"/>).</summary>
    public void Configure(ParseResult parse, PartUploadClientOptions options)
    {
        BillingTag.Configure(parse, options);
        options.PartNumbering = parse.GetValue(Numbering)!.Equals("reserved", StringComparison.OrdinalIgnoreCase) ? PartNumbering.Reserved : PartNumbering.FreshOnRetry;
        options.VerifyFullReadBack = parse.GetValue(Verify)!.Equals("full", StringComparison.OrdinalIgnoreCase);
        if (BudgetBytes(parse) is long budget)
        {
            options.MaxBufferedBytes = budget;

            // A single PUT is buffered whole, so it must fit the budget: larger blobs go multipart.
            options.SingleShotThreshold = Math.Min(options.SingleShotThreshold, budget);
        }
    }

    /// <summary>Sets the per-upload options these flags govern.</summary>
    public void Configure(ParseResult parse, PartUploadOptions options)
    {
        options.ContentEncoding = parse.GetValue(GzipOption) ? Gzip : parse.GetValue(ContentEncoding);
        options.ForceMultipart = parse.GetValue(ForceMultipart);
        options.WholeBlobDigests = DigestsValue(parse);
    }

    public bool IsGzip(ParseResult parse) => parse.GetValue(GzipOption);

    public long? BudgetBytes(ParseResult parse) =>
        parse.GetValue(Budget) is string text && ByteSize.TryParse(text, out long bytes) ? bytes : null;

    public WholeBlobDigests DigestsValue(ParseResult parse) =>
        parse.GetValue(Digests) is string text && TryParseDigests(text, out WholeBlobDigests digests) ? digests : WholeBlobDigests.None;

    private static bool TryParseDigests(string text, out WholeBlobDigests digests)
    {
        digests = WholeBlobDigests.None;
        foreach (string name in text.Split(',', StringSplitOptions.TrimEntries))
        {
            switch (name.ToLowerInvariant())
            {
                case "md5":
                    digests |= WholeBlobDigests.Md5;
                    break;
                case "sha1":
                    digests |= WholeBlobDigests.Sha1;
                    break;
                case "sha256":
                    digests |= WholeBlobDigests.Sha256;
                    break;
                default:
                    return false;
            }
        }

        return true;
    }
}
