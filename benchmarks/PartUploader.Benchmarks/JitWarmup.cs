using System.Diagnostics;
using System.Runtime;

namespace PartUploader.Benchmarks;

/// <summary>
/// The warm-up of a case: its planned warm-up uploads, then more until <see cref="QuietWarmups"/> in a row each made
/// the JIT compile at most <see cref="SettledMethods"/> methods (tiered compilation no longer promoting the hot code),
/// for at most <see cref="MaxTime"/> of warm-up in all (checked after each upload, so the last one may end past it). A fresh process keeps recompiling for several seconds: without this, each measured repetition
/// carried a tenth to a third of a second of JIT, more for the SDK (more code) than for raw.
/// </summary>
internal static class JitWarmup
{
    /// <summary>A warm-up that compiled at most this many methods was quiet.</summary>
    public const int SettledMethods = 5;

    /// <summary>The JIT counts as settled after this many quiet warm-ups in a row (its promotions come in bursts).</summary>
    public const int QuietWarmups = 3;

    /// <summary>No warm-up upload starts after this much warm-up time (planned warm-ups included).</summary>
    public static readonly TimeSpan MaxTime = TimeSpan.FromSeconds(15);

    /// <summary>The JIT's counters at one moment (all threads), or the difference of two.</summary>
    public readonly record struct Mark(TimeSpan Time, long Methods)
    {
        public static Mark operator -(Mark a, Mark b) => new(a.Time - b.Time, a.Methods - b.Methods);
    }

    /// <summary>What the warm-up did: uploads, seconds, and the methods its last upload compiled.</summary>
    public readonly record struct Outcome(int Count, double Seconds, long LastMethods);

    public static Mark Now() => new(JitInfo.GetCompilationTime(), JitInfo.GetCompiledMethodCount());

    public static async Task<Outcome> RunAsync(CaseSpec spec, Func<Task> warmUpload)
    {
        if (spec.Warmups <= 0)
        {
            return default;
        }

        long started = Stopwatch.GetTimestamp();
        int count = 0;
        int quiet = 0;
        long last;
        do
        {
            Mark before = Now();
            await warmUpload();
            count++;
            last = (Now() - before).Methods;
            quiet = last <= SettledMethods ? quiet + 1 : 0;
        }
        while (count < spec.Warmups || (spec.SettleJit && quiet < QuietWarmups && Stopwatch.GetElapsedTime(started) < MaxTime));

        return new Outcome(count, Stopwatch.GetElapsedTime(started).TotalSeconds, last);
    }
}
