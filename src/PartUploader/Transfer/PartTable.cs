using PartUploader.Internal.Hashing;
using PartUploader.Internal.Protocol;

namespace PartUploader.Internal.Transfer;

/// <summary>One part's record: where its bytes are, their digests, every number tried, and the acknowledgement.</summary>
internal sealed class PartRecord(int index, long offset)
{
    public int Index { get; } = index;

    public long Offset { get; } = offset;

    public long Length { get; set; }

    public uint Crc32C { get; set; }

    public string? DigestHeader { get; set; }

    public List<int> NumbersTried { get; } = [];

    public int? AckedNumber { get; set; }

    public string? ETag { get; set; }

    /// <summary>Gets or sets whether the part was sent out of number order (a retry, or a resumed part): the read-back check covers it.</summary>
    public bool Resumed { get; set; }

    public bool Retried => NumbersTried.Count > 1 || Resumed;
}

/// <summary>
/// The single record of truth of an upload's parts, safe to use from every sender. Designed to be
/// persisted (a resume journal writes it after each acknowledgement).
/// </summary>
internal sealed class PartTable
{
    private readonly object _gate = new();
    private readonly List<PartRecord> _parts = [];

    public PartRecord Add(int index, long offset)
    {
        var record = new PartRecord(index, offset);
        lock (_gate)
        {
            while (_parts.Count <= index)
            {
                _parts.Add(null!);
            }

            _parts[index] = record;
        }

        return record;
    }

    public void SetData(PartRecord part, long length, uint crc, string? digestHeader)
    {
        lock (_gate)
        {
            part.Length = length;
            part.Crc32C = crc;
            part.DigestHeader = digestHeader;
        }
    }

    public void RecordAttempt(PartRecord part, int number)
    {
        lock (_gate)
        {
            part.NumbersTried.Add(number);
        }
    }

    public void Acknowledge(PartRecord part, int number, string etag)
    {
        lock (_gate)
        {
            part.AckedNumber = number;
            part.ETag = etag;
        }
    }

    /// <summary>A snapshot of the parts in byte order.</summary>
    public IReadOnlyList<PartRecord> Snapshot()
    {
        lock (_gate)
        {
            return _parts.Where(p => p is not null).OrderBy(p => p.Index).ToArray();
        }
    }

    /// <summary>The complete call's list: one (number, ETag) per part, in byte order, ETags verbatim (spec 4.5).</summary>
    public IReadOnlyList<CompletedPart> CompletionList()
    {
        lock (_gate)
        {
            return _parts
                .Where(p => p is not null)
                .OrderBy(p => p.Index)
                .Select(p => new CompletedPart
                {
                    Number = p.AckedNumber ?? throw new InvalidOperationException($"Part {p.Index} was never acknowledged."),
                    ETag = p.ETag!,
                })
                .ToArray();
        }
    }

    /// <summary>The whole blob's CRC-32C, combined from its parts' in byte order.</summary>
    public static uint CombinedCrc(IReadOnlyList<PartRecord> parts)
    {
        uint crc = 0;
        foreach (PartRecord part in parts)
        {
            crc = Crc32C.Combine(crc, part.Crc32C, part.Length);
        }

        return crc;
    }
}
