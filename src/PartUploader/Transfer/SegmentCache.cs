namespace PartUploader.Internal.Transfer;

/// <summary>
/// The process-wide store of idle 64 KiB segments shared by every upload's <see cref="SegmentPool"/>: an
/// upload takes its buffers from here and gives them back, so steady uploading allocates nothing and keeps
/// the same memory. Each pool still caps what it holds at once; this only holds what no upload is using.
/// </summary>
/// <remarks>
/// Idle segments are dropped (left to the GC) at the first full (gen 2) collection once no segment was
/// rented for <see cref="IdleMilliseconds"/>, so an idle process does not keep an upload's budget for ever.
/// </remarks>
internal static class SegmentCache
{
    private static readonly object s_gate = new();
    private static readonly Stack<byte[]> s_free = new();
    private static long s_lastRent;

    /// <summary>How long no upload must have rented a segment before a full collection drops the idle ones.</summary>
    public const long IdleMilliseconds = 30_000;

    static SegmentCache() => _ = new TrimOnFullCollection();

    /// <summary>Gets the idle segments held.</summary>
    public static int IdleCount
    {
        get
        {
            lock (s_gate)
            {
                return s_free.Count;
            }
        }
    }

    /// <summary>Fills <paramref name="segments"/> from the front with idle segments; returns how many it filled.</summary>
    public static int Rent(byte[][] segments)
    {
        lock (s_gate)
        {
            s_lastRent = Environment.TickCount64;
            int taken = 0;
            while (taken < segments.Length && s_free.TryPop(out byte[]? segment))
            {
                segments[taken++] = segment;
            }

            return taken;
        }
    }

    public static void Return(byte[][] segments)
    {
        lock (s_gate)
        {
            foreach (byte[] segment in segments)
            {
                s_free.Push(segment);
            }
        }
    }

    private static void TrimIfIdle()
    {
        lock (s_gate)
        {
            if (Environment.TickCount64 - s_lastRent >= IdleMilliseconds)
            {
                s_free.Clear();
                s_free.TrimExcess();
            }
        }
    }

    /// <summary>An unreachable object that resurrects itself: its finalizer runs once per gen 2 collection.</summary>
    private sealed class TrimOnFullCollection
    {
        ~TrimOnFullCollection()
        {
            if (Environment.HasShutdownStarted)
            {
                return;
            }

            TrimIfIdle();
            GC.ReRegisterForFinalize(this);
        }
    }
}
