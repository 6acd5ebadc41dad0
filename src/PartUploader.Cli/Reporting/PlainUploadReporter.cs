using System.Globalization;

namespace PartUploader.Cli.Reporting;

/// <summary>Plain progress lines (at most one a second) for logs and pipes.</summary>
internal sealed class PlainUploadReporter(TextWriter output, TextWriter error) : UploadReporter
{
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(1);
    private readonly Lock _lock = new();
    private readonly ProgressMath _math = new();
    private TimeSpan _lastLine;
    private UploadProgress? _lastShown;

    public override async Task<PartUploadResult> RunAsync(UploadInfo info, Func<IProgress<UploadProgress>, Task<PartUploadResult>> upload)
    {
        long? shown = info.Gzip ? info.SourceBytes : info.TotalBytes;
        string size = shown is long total ? $"{ByteSize.Format(total)} ({total.ToString(CultureInfo.InvariantCulture)} bytes)" : "unknown size";
        if (info.Gzip)
        {
            size = "gzip of " + size;
        }

        Write($"upload: {info.Source} -> {info.CatalogHrn} layer {info.LayerId} handle {info.DataHandle}, {size} (pid {info.ProcessId.ToString(CultureInfo.InvariantCulture)})");
        var progress = new Progress(this);
        return await upload(progress).ConfigureAwait(false);
    }

    public override void Completed(UploadInfo info, PartUploadResult result, long? sourceBytes)
    {
        double seconds = Math.Max(result.Elapsed.TotalSeconds, 0.001);
        Write(string.Create(
            CultureInfo.InvariantCulture,
            $"uploaded: {result.DataHandle}, {result.Size} bytes{GzipNote(sourceBytes)} {ProgressMath.Shape(result)}, {result.Retries} retries, {ProgressMath.MegabytesPerSecond(result):F1} MB/s, {seconds:F1} s, crc32c {result.Crc32C:x8}{ProgressMath.Resumed(result)}"));
        foreach (string line in DetailLines(result))
        {
            Write(line);
        }
    }

    public override void Failed(CliFailure failure)
    {
        lock (_lock)
        {
            error.WriteLine($"partupload: {failure.Kind}: {failure.Message}");
            error.Flush();
        }
    }

    private void Write(string line)
    {
        lock (_lock)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }

    // UploadProgress has no value equality: a report that changes nothing shown is skipped by its fields.
    private bool SameAsShown(UploadProgress value) => _lastShown is { } shown
        && shown.BytesSent == value.BytesSent
        && shown.BytesAcknowledged == value.BytesAcknowledged
        && shown.TotalBytes == value.TotalBytes
        && shown.PartsCompleted == value.PartsCompleted
        && shown.TotalParts == value.TotalParts
        && shown.Retries == value.Retries;

    private void OnProgress(UploadProgress value)
    {
        lock (_lock)
        {
            bool done = value.TotalBytes is long total && value.BytesAcknowledged >= total;
            if ((!done && _math.Elapsed - _lastLine < s_interval) || SameAsShown(value))
            {
                return;
            }

            _lastLine = _math.Elapsed;
            _lastShown = value;
            string percent = value.TotalBytes is long t && t > 0 ? (100.0 * value.BytesAcknowledged / t).ToString("0.0", CultureInfo.InvariantCulture) + " %" : "?";
            string parts = value.TotalParts is int totalParts ? $"{value.PartsCompleted}/{totalParts}" : value.PartsCompleted.ToString(CultureInfo.InvariantCulture);
            TimeSpan? eta = _math.Eta(value);
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"progress: sent {ByteSize.Format(value.BytesSent)}, acknowledged {ByteSize.Format(value.BytesAcknowledged)} ({percent}), parts {parts}, retries {value.Retries}, {_math.MegabytesPerSecond(value):F1} MB/s, eta {(eta is { } e ? e.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) : "?")}"));
            output.Flush();
        }
    }

    private sealed class Progress(PlainUploadReporter owner) : IProgress<UploadProgress>
    {
        public void Report(UploadProgress value) => owner.OnProgress(value);
    }
}
