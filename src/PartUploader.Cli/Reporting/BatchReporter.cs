using System.Globalization;

namespace PartUploader.Cli.Reporting;

/// <summary>Shows a directory upload: a line (or a JSON event) per finished file, then a summary.</summary>
internal sealed class BatchReporter(bool json, TextWriter output, TextWriter error)
{
    private readonly JsonEvents _events = new(output);
    private readonly Lock _lock = new();

    public void Started(string directory, int files, long bytes)
    {
        if (json)
        {
            _events.Write("started", w =>
            {
                w.WriteString("source", directory);
                w.WriteNumber("files", files);
                w.WriteNumber("totalBytes", bytes);
                w.WriteNumber("pid", Environment.ProcessId);
            });
        }
        else
        {
            Write($"upload: {directory}, {files.ToString(CultureInfo.InvariantCulture)} file(s), {ByteSize.Format(bytes)} (pid {Environment.ProcessId.ToString(CultureInfo.InvariantCulture)})");
        }
    }

    public void ItemFinished(BatchItemResult item)
    {
        if (json)
        {
            _events.Write(item.Succeeded ? "item-completed" : "item-failed", w =>
            {
                w.WriteString("source", item.Item.Source);
                w.WriteString("handle", item.Item.DataHandle);
                if (item.Result is { } stored)
                {
                    w.WriteNumber("size", stored.Size);
                    w.WriteString("crc32c", stored.Crc32C.ToString("x8", CultureInfo.InvariantCulture));
                    foreach ((string name, string? value) in new[] { ("md5", stored.Md5), ("sha1", stored.Sha1), ("sha256", stored.Sha256) })
                    {
                        if (value is not null)
                        {
                            w.WriteString(name, value);
                        }
                    }
                }
                else
                {
                    CliFailure failure = CliFailure.From(item.Error!, cancellationRequested: false);
                    w.WriteString("error", failure.Kind);
                    w.WriteString("message", failure.Message);
                    if (failure.ErrorCode is not null)
                    {
                        w.WriteString("errorCode", failure.ErrorCode);
                    }
                }
            });
        }
        else
        {
            Write(item.Result is { } stored
                ? string.Create(CultureInfo.InvariantCulture, $"uploaded: {item.Item.Source} -> {item.Item.DataHandle}, {stored.Size} bytes, crc32c {stored.Crc32C:x8}{Digests(stored)}")
                : $"failed: {item.Item.Source} -> {item.Item.DataHandle}: {CliFailure.From(item.Error!, cancellationRequested: false).Message}");
        }
    }

    public void Summary(BatchUploadResult result)
    {
        double seconds = Math.Max(result.Elapsed.TotalSeconds, 0.001);
        if (json)
        {
            _events.Write("summary", w =>
            {
                w.WriteNumber("succeeded", result.Succeeded);
                w.WriteNumber("failed", result.Failed);
                w.WriteNumber("bytes", result.Bytes);
                w.WriteNumber("elapsedSeconds", Math.Round(seconds, 3));
                w.WriteNumber("megabytesPerSecond", Math.Round(result.Bytes / 1e6 / seconds, 2));
            });
        }
        else
        {
            Write(string.Create(CultureInfo.InvariantCulture, $"done: {result.Succeeded} uploaded, {result.Failed} failed, {ByteSize.Format(result.Bytes)}, {result.Bytes / 1e6 / seconds:F1} MB/s, {seconds:F1} s"));
        }
    }

    public void Failed(CliFailure failure)
    {
        if (json)
        {
            _events.WriteFailure(failure);
        }

        lock (_lock)
        {
            error.WriteLine($"partupload: {failure.Kind}: {failure.Message}");
            error.Flush();
        }
    }

    private static string Digests(PartUploadResult stored) =>
        string.Concat(new[] { ("md5", stored.Md5), ("sha1", stored.Sha1), ("sha256", stored.Sha256) }.Where(d => d.Item2 is not null).Select(d => $", {d.Item1} {d.Item2}"));

    private void Write(string line)
    {
        lock (_lock)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }
}
