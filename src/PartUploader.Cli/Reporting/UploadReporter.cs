namespace PartUploader.Cli.Reporting;

/// <summary>Shows an upload: a live display on a terminal, plain lines when redirected, or JSON events.</summary>
internal abstract class UploadReporter
{
    /// <summary>Runs the upload, giving it the progress sink, and shows its progress meanwhile.</summary>
    public abstract Task<PartUploadResult> RunAsync(UploadInfo info, Func<IProgress<UploadProgress>, Task<PartUploadResult>> upload);

    /// <summary>Shows the result; <paramref name="sourceBytes"/> is the size before compression for <c>--gzip</c>, else null.</summary>
    public abstract void Completed(UploadInfo info, PartUploadResult result, long? sourceBytes);

    /// <summary>" (gzip of N bytes)" for a compressed upload, else empty.</summary>
    protected static string GzipNote(long? sourceBytes) =>
        sourceBytes is long bytes ? $" (gzip of {bytes.ToString(System.Globalization.CultureInfo.InvariantCulture)} bytes)" : string.Empty;

    /// <summary>The lines that follow the result: the whole-blob digests requested and the read-back, when any.</summary>
    protected static IEnumerable<string> DetailLines(PartUploadResult result)
    {
        foreach ((string name, string? value) in new[] { ("md5", result.Md5), ("sha1", result.Sha1), ("sha256", result.Sha256) })
        {
            if (value is not null)
            {
                yield return $"{name}: {value}";
            }
        }

        if (result.VerifiedRanges > 0)
        {
            yield return $"verified: {result.VerifiedRanges.ToString(System.Globalization.CultureInfo.InvariantCulture)} byte range(s) read back and compared";
        }
    }

    public abstract void Failed(CliFailure failure);

    public static UploadReporter Create(bool json, TextWriter output, TextWriter error)
    {
        if (json)
        {
            return new JsonUploadReporter(new JsonEvents(output), error);
        }

        return Console.IsOutputRedirected || !Spectre.Console.AnsiConsole.Profile.Capabilities.Interactive
            ? new PlainUploadReporter(output, error)
            : new LiveUploadReporter(error);
    }
}
