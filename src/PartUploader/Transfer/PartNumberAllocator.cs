using PartUploader.Internal.Protocol;

namespace PartUploader.Internal.Transfer;

/// <summary>
/// Gives every attempt its part number, never the same one twice in an upload (spec 4.3 and 5).
/// </summary>
/// <remarks>
/// FreshOnRetry with a known part count N: part i's first attempt is i+1 (1..N in byte order), and
/// each retry takes the next number above N and above every retry number issued. With an unknown
/// count, one counter serves every attempt, first attempts being taken in byte order by the
/// dispatcher. Reserved(k): part i's attempts take i*k+1 .. i*k+k.
/// </remarks>
/// <param name="policy">The numbering policy.</param>
/// <param name="reservedPerPart">k of Reserved(k).</param>
/// <param name="knownPartCount">N, when the blob's length is known.</param>
/// <param name="resumeAbove">When resuming: every number up to this may have been issued before, so every attempt (first ones too) takes a number above it.</param>
/// <param name="reserve">Called with each counter number before it is used (the journal records it first).</param>
internal sealed class PartNumberAllocator(
    PartNumbering policy, int reservedPerPart, int? knownPartCount = null, int? resumeAbove = null, Action<int>? reserve = null)
{
    private int _last = resumeAbove ?? (policy == PartNumbering.FreshOnRetry && knownPartCount is int n ? n : 0);

    /// <summary>Gets the highest number issued so far.</summary>
    public int Highest => Volatile.Read(ref _last);

    /// <summary>Returns the number of attempt <paramref name="attempt"/> (0-based) of part <paramref name="partIndex"/>, or null when none is left.</summary>
    public int? Next(int partIndex, int attempt)
    {
        if (policy == PartNumbering.Reserved)
        {
            if (attempt >= reservedPerPart)
            {
                return null;
            }

            long number = ((long)partIndex * reservedPerPart) + attempt + 1;
            if (number > BlobLimits.MaxPartNumber)
            {
                return null;
            }

            InterlockedMax(ref _last, (int)number);
            return (int)number;
        }

        if (knownPartCount is int count && attempt == 0 && resumeAbove is null)
        {
            return partIndex < count ? partIndex + 1 : null;
        }

        int next = Interlocked.Increment(ref _last);
        if (next > BlobLimits.MaxPartNumber)
        {
            Interlocked.Decrement(ref _last);
            return null;
        }

        reserve?.Invoke(next);
        return next;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current = Volatile.Read(ref target);
        while (value > current)
        {
            int seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
