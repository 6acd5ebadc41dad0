namespace PartUploader.Cli.Reporting;

/// <summary>One JSON document per event on standard output: started, progress (at most 4 a second, and the last), completed or failed.</summary>
internal sealed class JsonUploadReporter(JsonEvents events, TextWriter error) : UploadReporter
{
    private const string GzipEncoding = Commands.UploadTuningOptions.Gzip;
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(250);
    private readonly Lock _lock = new();
    private readonly ProgressMath _math = new();
    private TimeSpan? _last;
    private UploadProgress? _pending;

    public override async Task<PartUploadResult> RunAsync(UploadInfo info, Func<IProgress<UploadProgress>, Task<PartUploadResult>> upload)
    {
        events.Write("started", w =>
        {
            w.WriteString("source", info.Source);
            w.WriteString("catalog", info.CatalogHrn);
            w.WriteString("layer", info.LayerId);
            w.WriteString("handle", info.DataHandle);
            if (info.TotalBytes is long total)
            {
                w.WriteNumber("totalBytes", total);
            }
            else
            {
                w.WriteNull("totalBytes");
            }

            w.WriteNumber("pid", info.ProcessId);
            if (info.Gzip)
            {
                w.WriteString("contentEncoding", GzipEncoding);
                if (info.SourceBytes is long sourceBytes)
                {
                    w.WriteNumber("originalBytes", sourceBytes);
                }
                else
                {
                    w.WriteNull("originalBytes");
                }
            }
        });
        try
        {
            return await upload(new Progress(this)).ConfigureAwait(false);
        }
        finally
        {
            UploadProgress? last;
            lock (_lock)
            {
                last = _pending;
                _pending = null;
            }

            if (last is not null)
            {
                WriteProgress(last);
            }
        }
    }

    public override void Completed(UploadInfo info, PartUploadResult result, long? sourceBytes) => events.Write("completed", w =>
    {
        double seconds = Math.Max(result.Elapsed.TotalSeconds, 0.001);
        w.WriteString("handle", result.DataHandle);
        w.WriteNumber("size", result.Size);
        if (sourceBytes is long original)
        {
            // --gzip: size is what was uploaded and stored (compressed); originalSize what was read.
            w.WriteString("contentEncoding", GzipEncoding);
            w.WriteNumber("originalSize", original);
        }

        w.WriteBoolean("multipart", result.Multipart);
        w.WriteNumber("partSize", result.PartCount == 1 ? result.Size : result.PartSize);
        w.WriteNumber("parts", result.PartCount);
        w.WriteNumber("retries", result.Retries);
        w.WriteString("crc32c", result.Crc32C.ToString("x8", System.Globalization.CultureInfo.InvariantCulture));
        if (result.Md5 is not null)
        {
            w.WriteString("md5", result.Md5);
        }

        if (result.Sha1 is not null)
        {
            w.WriteString("sha1", result.Sha1);
        }

        if (result.Sha256 is not null)
        {
            w.WriteString("sha256", result.Sha256);
        }

        w.WriteNumber("verifiedRanges", result.VerifiedRanges);
        w.WriteNumber("resumedParts", result.ResumedParts);
        w.WriteNumber("resumedBytes", result.ResumedBytes);
        w.WriteNumber("elapsedSeconds", Math.Round(seconds, 3));
        w.WriteNumber("megabytesPerSecond", Math.Round(ProgressMath.MegabytesPerSecond(result), 2));
    });

    public override void Failed(CliFailure failure)
    {
        events.WriteFailure(failure);
        error.WriteLine($"partupload: {failure.Kind}: {failure.Message}");
        error.Flush();
    }

    private void OnProgress(UploadProgress value)
    {
        lock (_lock)
        {
            if (_last is TimeSpan last && _math.Elapsed - last < s_interval)
            {
                _pending = value;
                return;
            }

            _last = _math.Elapsed;
            _pending = null;
        }

        WriteProgress(value);
    }

    private void WriteProgress(UploadProgress value) => events.Write("progress", w =>
    {
        w.WriteNumber("bytesSent", value.BytesSent);
        w.WriteNumber("bytesAcknowledged", value.BytesAcknowledged);
        if (value.TotalBytes is long total)
        {
            w.WriteNumber("totalBytes", total);
        }
        else
        {
            w.WriteNull("totalBytes");
        }

        w.WriteNumber("partsCompleted", value.PartsCompleted);
        if (value.TotalParts is int parts)
        {
            w.WriteNumber("totalParts", parts);
        }
        else
        {
            w.WriteNull("totalParts");
        }

        w.WriteNumber("retries", value.Retries);
        w.WriteNumber("bytesResumed", value.BytesResumed);
        w.WriteNumber("megabytesPerSecond", Math.Round(_math.MegabytesPerSecond(value), 2));
        if (_math.Eta(value) is TimeSpan eta)
        {
            w.WriteNumber("etaSeconds", Math.Round(eta.TotalSeconds, 1));
        }
        else
        {
            w.WriteNull("etaSeconds");
        }
    });

    private sealed class Progress(JsonUploadReporter owner) : IProgress<UploadProgress>
    {
        public void Report(UploadProgress value) => owner.OnProgress(value);
    }
}
