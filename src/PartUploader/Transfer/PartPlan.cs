using System.Globalization;
using PartUploader.Internal.Protocol;

namespace PartUploader.Internal.Transfer;

/// <summary>
/// How a blob is cut into parts (spec sections 4 and 5): sizes and count for a known length, or a
/// growing schedule for an unknown one. Every limit is checked here, before any request.
/// </summary>
internal sealed class PartPlan
{
    /// <summary>Default part size when none is chosen: 16 MiB.</summary>
    public const long DefaultPartSize = 16L * 1024 * 1024;

    /// <summary>Part numbers kept free for retries when the size is chosen automatically (FreshOnRetry).</summary>
    public const int RetryHeadroom = 1_000;

    /// <summary>Parts of an unknown-length stream keep one size for this many parts, then the size doubles.</summary>
    public const int ScheduleStep = 1_000;

    private PartPlan(long? totalLength, long baseSize, long maxSize, int maxParts, int? partCount)
    {
        TotalLength = totalLength;
        BaseSize = baseSize;
        MaxSize = maxSize;
        MaxParts = maxParts;
        PartCount = partCount;
    }

    public long? TotalLength { get; }

    /// <summary>Gets the size of the first part (of every part but the last for a known length).</summary>
    public long BaseSize { get; }

    /// <summary>Gets the largest part size the schedule may reach (the memory budget caps it).</summary>
    public long MaxSize { get; }

    /// <summary>Gets the most parts this upload may have.</summary>
    public int MaxParts { get; }

    /// <summary>Gets the part count for a known length.</summary>
    public int? PartCount { get; }

    /// <summary>The size of part <paramref name="index"/> (0-based) before clipping to the end of the data.</summary>
    public long SizeOf(int index)
    {
        if (TotalLength is not null)
        {
            return BaseSize;
        }

        int doublings = Math.Min(index / ScheduleStep, 30);
        long size = BaseSize << doublings;
        return Math.Min(size, MaxSize);
    }

    /// <summary>The byte offset of part <paramref name="index"/>.</summary>
    public long OffsetOf(int index)
    {
        if (TotalLength is not null)
        {
            return index * BaseSize;
        }

        long offset = 0;
        for (int i = 0; i < index; i++)
        {
            offset += SizeOf(i);
        }

        return offset;
    }

    /// <summary>Plans a multipart upload. Throws <see cref="ArgumentException"/> naming the limit when it cannot fit.</summary>
    public static PartPlan Create(long? length, long? chosenPartSize, long budgetBytes, PartNumbering numbering, int reservedPerPart)
    {
        int numberCap = numbering == PartNumbering.Reserved ? BlobLimits.MaxPartNumber / reservedPerPart : BlobLimits.MaxPartNumber;
        long maxSize = Math.Min(BlobLimits.MaxPartSize, budgetBytes - (budgetBytes % SegmentPool.SegmentSize));

        if (chosenPartSize is long chosen)
        {
            if (chosen < BlobLimits.MinPartSize || chosen > BlobLimits.MaxPartSize)
            {
                throw new ArgumentOutOfRangeException(nameof(chosenPartSize), chosen,
                    $"PartSize must be between {BlobLimits.MinPartSize} (5 MiB) and {BlobLimits.MaxPartSize} (5 GiB) bytes.");
            }

            if (chosen > budgetBytes)
            {
                throw new ArgumentOutOfRangeException(nameof(budgetBytes), budgetBytes,
                    $"MaxBufferedBytes ({budgetBytes}) must hold at least one part of PartSize ({chosen}) bytes.");
            }
        }

        if (length is long total)
        {
            if (total > BlobLimits.MaxBlobSize)
            {
                throw new ArgumentOutOfRangeException(nameof(length), total,
                    string.Create(CultureInfo.InvariantCulture, $"The blob is {total} bytes; a multipart upload holds at most {BlobLimits.MaxBlobSize} bytes (50 GB)."));
            }

            long size;
            if (chosenPartSize is long fixedSize)
            {
                size = fixedSize;
            }
            else
            {
                int target = numbering == PartNumbering.Reserved ? numberCap : BlobLimits.MaxPartNumber - RetryHeadroom;
                long needed = (total + target - 1) / target;
                size = Math.Max(Math.Max(Math.Min(DefaultPartSize, maxSize), BlobLimits.MinPartSize), RoundUp(needed, 1024 * 1024));
                if (size > maxSize)
                {
                    throw new ArgumentOutOfRangeException(nameof(budgetBytes), budgetBytes,
                        string.Create(CultureInfo.InvariantCulture, $"A blob of {total} bytes needs parts of {size} bytes to fit the part-number limit; raise MaxBufferedBytes to at least that."));
                }
            }

            int count = total == 0 ? 1 : (int)Math.Min(int.MaxValue, (total + size - 1) / size);
            if (count > numberCap)
            {
                throw new ArgumentOutOfRangeException(nameof(chosenPartSize), size,
                    string.Create(CultureInfo.InvariantCulture, $"A blob of {total} bytes in parts of {size} bytes needs {count} parts; at most {numberCap} fit ({numbering}). Choose a larger PartSize or leave it unset."));
            }

            return new PartPlan(total, size, size, count, count);
        }

        long baseSize = chosenPartSize ?? Math.Min(DefaultPartSize / 2, maxSize);
        baseSize = Math.Max(baseSize, BlobLimits.MinPartSize);
        var plan = new PartPlan(null, baseSize, Math.Max(baseSize, maxSize), numberCap, null);
        return plan;
    }

    /// <summary>The most bytes this plan can carry within its part cap (for unknown lengths).</summary>
    public long Capacity(int parts)
    {
        long sum = 0;
        for (int i = 0; i < parts; i++)
        {
            sum += SizeOf(i);
            if (sum > BlobLimits.MaxBlobSize)
            {
                return sum;
            }
        }

        return sum;
    }

    private static long RoundUp(long value, long multiple) => (value + multiple - 1) / multiple * multiple;
}
