using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace PartUploader.Internal.Diagnostics;

/// <summary>
/// The <see cref="ActivitySource"/> and <see cref="Meter"/> named <c>PartUploader</c>. Tags carry no
/// secret, no URL and no user data beyond the layer id: ids, sizes, counts, statuses.
/// </summary>
internal static class PartUploaderTelemetry
{
    public const string Name = "PartUploader";
    public const string UploadActivity = "PartUploader.Upload";
    public const string PartAttemptActivity = "PartUploader.PartAttempt";

    private static readonly string? s_version = typeof(PartUploaderTelemetry).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    public static readonly ActivitySource Source = new(Name, s_version);
    public static readonly Meter Meter = new(Name, s_version);

    /// <summary>Bytes the service acknowledged (parts and single PUTs).</summary>
    public static readonly Counter<long> BytesUploaded = Meter.CreateCounter<long>("partuploader.bytes.uploaded", "By", "Bytes the service acknowledged.");

    /// <summary>Attempts that were retries.</summary>
    public static readonly Counter<long> Retries = Meter.CreateCounter<long>("partuploader.part.retries", "{retry}", "Part attempts that were retries.");

    /// <summary>Duration of one part attempt.</summary>
    public static readonly Histogram<double> PartDuration = Meter.CreateHistogram<double>("partuploader.part.duration", "s", "Duration of one part attempt.");

    /// <summary>Duration of a whole upload.</summary>
    public static readonly Histogram<double> UploadDuration = Meter.CreateHistogram<double>("partuploader.upload.duration", "s", "Duration of an upload, by outcome.");

    /// <summary>Parts being sent right now.</summary>
    public static readonly UpDownCounter<long> PartsInFlight = Meter.CreateUpDownCounter<long>("partuploader.parts.in_flight", "{part}", "Parts being sent.");

    /// <summary>Bytes of part data held in buffers right now.</summary>
    public static readonly UpDownCounter<long> BytesBuffered = Meter.CreateUpDownCounter<long>("partuploader.bytes.buffered", "By", "Bytes of part data held in buffers.");
}
