using System.CommandLine;

namespace PartUploader.Cli.Commands;

/// <summary>The options of <c>partupload upload</c> beyond the common ones, and their checks before any request.</summary>
internal sealed class UploadCommandOptions
{
    public const long MinPartSize = 5L * 1024 * 1024;
    private const long DefaultMaxBufferedBytes = 256L * 1024 * 1024;
    private const long MaxPartSize = 5L * 1024 * 1024 * 1024;
    private static readonly TimeSpan MaxTimeLimit = TimeSpan.FromDays(49);
    private static readonly string[] s_digests = ["crc32c", "md5", "sha1", "sha256", "none"];

    public Argument<string> Source { get; } = new("file")
    {
        Description = "The file to upload, or '-' for standard input (then --handle is required). A FIFO is read like standard input.",
    };

    public Option<string?> Handle { get; } = new("--handle") { Description = "The data handle (default: the file name).", HelpName = "id" };

    public Option<string?> ContentType { get; } = new("--content-type")
    {
        Description = "The content type; must match the layer's (default: application/octet-stream).",
        HelpName = "type",
    };

    public Option<string?> PartSize { get; } = new("--part-size")
    {
        Description = "The part size, 5MiB to 5GiB: 8MiB, 16MB, 67108864 (default: chosen from the size, at least 5 MiB).",
        HelpName = "size",
    };

    public Option<int?> Concurrency { get; } = new("--concurrency")
    {
        Description = "Parts in flight at once, 1 to 256 (default: 8). Memory is about (concurrency + 1) x part size.",
        HelpName = "n",
    };

    public Option<string> DigestName { get; } = new("--digest")
    {
        Description = "The per-part integrity digest sent as X-HERE-Digest (any letter case).",
        DefaultValueFactory = _ => "crc32c",
        HelpName = "crc32c|md5|sha1|sha256|none",
    };

    public Option<string?> Resume { get; } = new("--resume")
    {
        Description = "A resume journal: written while the file uploads; if it already exists, the interrupted upload it records is continued (only missing parts are sent). For a directory: a journal directory; running the same command again skips the files already stored and continues the interrupted ones.",
        HelpName = "journal",
    };

    public Option<string?> TimeLimit { get; } = new("--time-limit")
    {
        Description = "The longest the whole upload (or directory batch) may take: a number and ms, s, m or h (90s, 10m, 2h); default: none. " +
            "When it passes, the multipart uploads in flight are cancelled on the server and the command exits with 4.",
        HelpName = "duration",
    };

    public Option<string[]> Include { get; } = new("--include")
    {
        Description = "Directory: a glob of relative paths to take ('*' within a folder, '**' across folders); repeatable (default: every file).",
        HelpName = "glob",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<string[]> Exclude { get; } = new("--exclude")
    {
        Description = "Directory: a glob of relative paths to leave out; repeatable.",
        HelpName = "glob",
    };

    public Option<string?> HandlePrefix { get; } = new("--handle-prefix")
    {
        Description = "Directory: put before every handle made from a relative path (handles are single-use: a new release needs a new prefix).",
        HelpName = "prefix",
    };

    public Option<string> Handles { get; } = new("--handles")
    {
        Description = "Directory: data handles from the relative path ('a/b c.bin' -> 'a.b-c.bin', after --handle-prefix) or new UUIDs.",
        DefaultValueFactory = _ => "path",
        HelpName = "path|uuid",
    };

    public Option<string?> Manifest { get; } = new("--manifest")
    {
        Description = "Directory: write a manifest (per file: source, handle, size, crc32c, digests, or its error) to this file: CSV when its name ends in .csv, else JSON.",
        HelpName = "file",
    };

    public void AddTo(Command command)
    {
        command.Arguments.Add(Source);
        foreach (Option option in (Option[])[Handle, ContentType, PartSize, Concurrency, DigestName, Resume, TimeLimit, Include, Exclude, HandlePrefix, Handles, Manifest])
        {
            command.Options.Add(option);
        }
    }

    /// <summary>Checks what can be checked without a request or the source; returns a message for exit code 2, or null.</summary>
    public string? Validate(ParseResult parse, string path)
    {
        if (parse.GetValue(Handle) is { Length: 0 })
        {
            return "--handle must not be empty.";
        }

        if (path.Length == 0)
        {
            return "The file argument must not be empty (use '-' for standard input).";
        }

        if (parse.GetValue(PartSize) is string sizeText)
        {
            if (!ByteSize.TryParse(sizeText, out long parsed))
            {
                return $"--part-size '{sizeText}' is not a size (for example 8MiB, 16MB or 67108864).";
            }

            if (parsed is < MinPartSize or > MaxPartSize)
            {
                return $"--part-size must be within 5MiB and 5GiB (was {sizeText}).";
            }
        }

        if (parse.GetValue(Concurrency) is int parallel && parallel is < 1 or > 256)
        {
            return $"--concurrency must be within 1 and 256 (was {parallel}).";
        }

        if (parse.GetValue(TimeLimit) is string limitText)
        {
            if (!Duration.TryParse(limitText, out TimeSpan limit))
            {
                return $"--time-limit '{limitText}' is not a duration (a number and ms, s, m or h, for example 90s, 10m or 2h).";
            }

            if (limit > MaxTimeLimit)
            {
                return $"--time-limit must be at most 49 days (was {limitText}).";
            }
        }

        string digest = parse.GetValue(DigestName)!;
        if (!s_digests.Contains(digest.ToLowerInvariant()))
        {
            return $"--digest must be one of {string.Join(", ", s_digests)} (was '{digest}').";
        }

        if (parse.GetValue(Resume) is { Length: 0 })
        {
            return "--resume needs a journal file path.";
        }

        if (parse.GetValue(Handles) is not ("path" or "uuid"))
        {
            return $"--handles must be path or uuid (was '{parse.GetValue(Handles)}').";
        }

        bool directory = Directory.Exists(path);
        foreach (Option option in (Option[])[Include, Exclude, HandlePrefix, Manifest])
        {
            if (!directory && parse.GetResult(option) is { Implicit: false })
            {
                return $"{option.Name} is for a directory source; '{path}' is not a directory.";
            }
        }

        if (directory && parse.GetValue(Handle) is not null)
        {
            return "--handle names one blob; for a directory use --handle-prefix or --handles.";
        }

        if (directory && parse.GetValue(Resume) is string journal && File.Exists(journal))
        {
            return $"--resume for a directory names a journal directory; '{journal}' is a file.";
        }

        return null;
    }

    /// <summary>Reads the credentials (exit code 3 when missing) and makes the client with this command's tuning.</summary>
    public PartUploadClient CreateClient(ParseResult parse, CommonOptions common, UploadTuningOptions tuning, HttpClient http, Uri? lookupUrl)
    {
        long? partBytes = PartBytes(parse);
        int? parallel = parse.GetValue(Concurrency);
        return common.CreateClient(parse, http, lookupUrl, o =>
        {
            o.DigestAlgorithm = Digest(parse);
            o.PartSize = partBytes;
            o.MaxConcurrency = parallel ?? o.MaxConcurrency;
            o.MaxBufferedBytes = Math.Max(DefaultMaxBufferedBytes, o.MaxConcurrency * (partBytes ?? MinPartSize));
            tuning.Configure(parse, o);
        });
    }

    /// <summary>The parsed --time-limit, or null for none (checked by <see cref="Validate"/>).</summary>
    public TimeSpan? TimeLimitValue(ParseResult parse) =>
        parse.GetValue(TimeLimit) is string text && Duration.TryParse(text, out TimeSpan limit) ? limit : null;

    public long? PartBytes(ParseResult parse) =>
        parse.GetValue(PartSize) is string text && ByteSize.TryParse(text, out long bytes) ? bytes : null;

    public DigestAlgorithm Digest(ParseResult parse) => parse.GetValue(DigestName)!.ToLowerInvariant() switch
    {
        "md5" => DigestAlgorithm.Md5,
        "sha1" => DigestAlgorithm.Sha1,
        "sha256" => DigestAlgorithm.Sha256,
        "none" => DigestAlgorithm.None,
        _ => DigestAlgorithm.Crc32C,
    };
}
