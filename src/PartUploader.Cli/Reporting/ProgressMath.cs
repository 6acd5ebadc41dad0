using System.Diagnostics;

namespace PartUploader.Cli.Reporting;

/// <summary>Rates and time left from cumulative progress, measured since the upload started.</summary>
internal sealed class ProgressMath
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Bytes sent per second (decimal megabytes per second: MB/s), over the whole upload so far.</summary>
    public double MegabytesPerSecond(long bytesSent) => bytesSent / 1e6 / Math.Max(_clock.Elapsed.TotalSeconds, 0.001);

    /// <summary>Time left at the acknowledged rate so far, or null when unknown.</summary>
    public TimeSpan? Eta(UploadProgress progress)
    {
        double seconds = _clock.Elapsed.TotalSeconds;
        if (progress.TotalBytes is not long total || progress.BytesAcknowledged <= 0 || seconds <= 0)
        {
            return null;
        }

        double rate = progress.BytesAcknowledged / seconds;
        return TimeSpan.FromSeconds(Math.Max(0, (total - progress.BytesAcknowledged) / rate));
    }
}
