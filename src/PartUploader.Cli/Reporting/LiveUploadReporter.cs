using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace PartUploader.Cli.Reporting;

/// <summary>A live Spectre.Console display on a terminal: bar, bytes sent and acknowledged, MB/s, ETA, retries.</summary>
internal sealed class LiveUploadReporter(TextWriter error) : UploadReporter
{
    public override async Task<PartUploadResult> RunAsync(UploadInfo info, Func<IProgress<UploadProgress>, Task<PartUploadResult>> upload)
    {
        AnsiConsole.MarkupLine(
            $"Uploading [bold]{Markup.Escape(info.Source)}[/] to [blue]{Markup.Escape(info.CatalogHrn)}[/] layer [blue]{Markup.Escape(info.LayerId)}[/] handle [blue]{Markup.Escape(info.DataHandle)}[/] [grey](pid {info.ProcessId.ToString(CultureInfo.InvariantCulture)}, Ctrl+C cancels)[/]");
        var math = new ProgressMath();
        var stats = new StatsColumn(math);
        return await AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new ProgressBarColumn { Width = 24 }, new PercentageColumn(), stats)
            .StartAsync(async context =>
            {
                ProgressTask task = context.AddTask("upload", autoStart: true, maxValue: Math.Max(1, info.TotalBytes ?? 1));
                task.IsIndeterminate = info.TotalBytes is null;
                var progress = new Progress(task, stats);
                PartUploadResult result = await upload(progress).ConfigureAwait(false);
                task.IsIndeterminate = false;
                task.MaxValue = Math.Max(1, result.Size);
                task.Value = task.MaxValue;
                task.StopTask();
                return result;
            })
            .ConfigureAwait(false);
    }

    public override void Completed(UploadInfo info, PartUploadResult result, long? sourceBytes)
    {
        double seconds = Math.Max(result.Elapsed.TotalSeconds, 0.001);
        AnsiConsole.MarkupLine(string.Create(
            CultureInfo.InvariantCulture,
            $"[green]Uploaded[/] {Markup.Escape(result.DataHandle)}: {result.Size:N0} bytes{GzipNote(sourceBytes)} {ProgressMath.Shape(result)}, {result.Retries} retries, {ProgressMath.MegabytesPerSecond(result):F1} MB/s, {seconds:F1} s, CRC-32C {result.Crc32C:x8}{Markup.Escape(ProgressMath.Resumed(result))}"));
        foreach (string line in DetailLines(result))
        {
            AnsiConsole.MarkupLine(Markup.Escape(line));
        }
    }

    public override void Failed(CliFailure failure)
    {
        error.WriteLine($"partupload: {failure.Kind}: {failure.Message}");
        error.Flush();
    }

    private sealed class Progress(ProgressTask task, StatsColumn stats) : IProgress<UploadProgress>
    {
        public void Report(UploadProgress value)
        {
            stats.Latest = value;
            if (value.TotalBytes is long total && task.IsIndeterminate)
            {
                task.IsIndeterminate = false;
                task.MaxValue = Math.Max(1, total);
            }

            task.Value = value.BytesAcknowledged;
        }
    }

    /// <summary>Sent and acknowledged bytes, parts, retries, MB/s and ETA, from the latest report.</summary>
    private sealed class StatsColumn(ProgressMath math) : ProgressColumn
    {
        public UploadProgress? Latest { get; set; }

        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
        {
            UploadProgress? p = Latest;
            if (p is null)
            {
                return new Text("starting...");
            }

            string parts = p.TotalParts is int totalParts ? $"{p.PartsCompleted}/{totalParts}" : p.PartsCompleted.ToString(CultureInfo.InvariantCulture);
            string eta = math.Eta(p) is TimeSpan e ? e.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) : "--:--:--";
            string retries = p.Retries > 0 ? $"[yellow]retries {p.Retries}[/]" : "retries 0";
            return new Markup(string.Create(
                CultureInfo.InvariantCulture,
                $"sent {ByteSize.Format(p.BytesSent)} | acked {ByteSize.Format(p.BytesAcknowledged)} | parts {parts} | {retries} | {math.MegabytesPerSecond(p):F1} MB/s | ETA {eta}"));
        }
    }
}
