using PartUploader.Internal.Protocol;

namespace PartUploader.Internal.Transfer;

/// <summary>
/// Gives every attempt its part number, never the same one twice in an upload (spec 4.3 and 5).
/// </summary>
/// <remarks>
/// FreshOnRetry: one counter for every attempt; first attempts are taken in byte order by the
/// dispatcher, so they are 1..N when nothing fails, and each retry takes the next number above all
/// issued. Reserved(k): part i's attempts take i*k+1 .. i*k+k.
/// </remarks>
internal sealed class PartNumberAllocator(PartNumbering policy, int reservedPerPart)
{
    private int _last;

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

        int next = Interlocked.Increment(ref _last);
        if (next > BlobLimits.MaxPartNumber)
        {
            Interlocked.Decrement(ref _last);
            return null;
        }

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
