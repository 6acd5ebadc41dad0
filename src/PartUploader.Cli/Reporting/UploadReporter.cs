namespace PartUploader.Cli.Reporting;

/// <summary>Shows an upload: a live display on a terminal, plain lines when redirected, or JSON events.</summary>
internal abstract class UploadReporter
{
    /// <summary>Runs the upload, giving it the progress sink, and shows its progress meanwhile.</summary>
    public abstract Task<PartUploadResult> RunAsync(UploadInfo info, Func<IProgress<UploadProgress>, Task<PartUploadResult>> upload);

    public abstract void Completed(UploadInfo info, PartUploadResult result);

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
