using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using PartUploader.Internal.Diagnostics;

namespace PartUploader.Internal.Transfer;

/// <summary>
/// How many parts of one upload may be in flight: <see cref="PartUploadClientOptions.MaxConcurrency"/>, lowered when
/// <see cref="PartUploadClientOptions.MaxBufferedBytes"/> cannot hold that many parts. Lowering changes what the
/// caller asked for, so it is logged at Warning, once per options instance (the options of one named client, or the
/// instance passed to the constructor), not once per upload.
/// </summary>
internal static class ConcurrencyLimit
{
    private static readonly ConditionalWeakTable<PartUploadClientOptions, object> s_warned = [];
    private static readonly object s_marker = new();

    public static int For(PartUploadClientOptions options, long partSize, ILogger logger)
    {
        int concurrency = (int)Math.Clamp(options.MaxBufferedBytes / Math.Max(1, partSize), 1, options.MaxConcurrency);
        if (concurrency < options.MaxConcurrency && s_warned.TryAdd(options, s_marker))
        {
            Log.ConcurrencyLowered(logger, options.MaxConcurrency, concurrency, options.MaxBufferedBytes, partSize);
        }

        return concurrency;
    }
}
