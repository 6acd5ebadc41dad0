using System.Diagnostics;
using System.Globalization;

namespace PartUploader.Cli.Reporting;

/// <summary>Rates and time left from cumulative progress, measured since the upload started.</summary>
internal sealed class ProgressMath
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Bytes this run sent per second (decimal MB/s) so far; bytes an interrupted run had stored are not counted.</summary>
    public double MegabytesPerSecond(UploadProgress progress) => (progress.BytesSent - progress.BytesResumed) / 1e6 / Math.Max(_clock.Elapsed.TotalSeconds, 0.001);

    /// <summary>This run's rate for a completed upload: its size less what a resumed run found stored, over its time.</summary>
    public static double MegabytesPerSecond(PartUploadResult result) => (result.Size - result.ResumedBytes) / 1e6 / Math.Max(result.Elapsed.TotalSeconds, 0.001);

    /// <summary>How a completed upload was cut: "in N part(s) of S" (the real size for one part), or "in a single request".</summary>
    public static string Shape(PartUploadResult result) => !result.Multipart ? "in a single request"
        : result.PartCount == 1 ? $"in 1 part of {ByteSize.Format(result.Size)}"
        : $"in {result.PartCount.ToString(CultureInfo.InvariantCulture)} parts of {ByteSize.Format(result.PartSize)}";

    /// <summary>For a resumed upload: how many parts and bytes were already stored; empty otherwise.</summary>
    public static string Resumed(PartUploadResult result) => result.ResumedParts == 0 ? string.Empty
        : $", resumed: {result.ResumedParts.ToString(CultureInfo.InvariantCulture)} part(s), {ByteSize.Format(result.ResumedBytes)} were already stored, {ByteSize.Format(result.Size - result.ResumedBytes)} sent now";

    /// <summary>Time left at the acknowledged rate so far, or null when unknown.</summary>
    public TimeSpan? Eta(UploadProgress progress)
    {
        double seconds = _clock.Elapsed.TotalSeconds;
        if (progress.TotalBytes is not long total || progress.BytesAcknowledged <= 0 || seconds <= 0)
        {
            return null;
        }

        double rate = (progress.BytesAcknowledged - progress.BytesResumed) / seconds;
        return rate <= 0 ? null : TimeSpan.FromSeconds(Math.Max(0, (total - progress.BytesAcknowledged) / rate));
    }
}
