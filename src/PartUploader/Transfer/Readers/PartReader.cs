using PartUploader.Internal.Hashing;
using PartUploader.Internal.Protocol;

namespace PartUploader.Internal.Transfer;

/// <summary>A part as its reader produced it: where it is, how long, whether it is the last, and its digest once read.</summary>
/// <param name="Index">The part's position in the blob, from 0.</param>
/// <param name="Offset">The part's first byte in the blob.</param>
/// <param name="Length">The bytes read, or planned for a part its sender reads.</param>
/// <param name="Last">True for the blob's last part.</param>
/// <param name="Digest">The part's digests once read; null for a part its sender reads (<see cref="PartReader.ReadsOnSender"/>).</param>
internal readonly record struct ReadPart(int Index, long Offset, long Length, bool Last, PartDigest? Digest);

/// <summary>
/// Fills parts from one kind of source, chosen once per upload (<see cref="For"/>): a file (parallel positional reads on
/// the senders), a stream of known length (in order, here), a stream of unknown length (in order; its first part decides
/// single PUT or multipart). Every reader hashes what it reads and feeds the whole-blob digests in order.
/// </summary>
internal abstract class PartReader
{
    private readonly UploadContext _context;
    private readonly OrderedBlobHasher _wholeBlob;

    protected PartReader(PartSource source, PartPlan plan, OrderedBlobHasher wholeBlob, UploadContext context)
    {
        Source = source;
        Plan = plan;
        _wholeBlob = wholeBlob;
        _context = context;
    }

    /// <summary>Gets a value indicating whether senders read their parts, in parallel (the upload then starts before any read).</summary>
    public virtual bool ReadsOnSender => false;

    /// <summary>Gets a value indicating whether the first part decides single PUT or multipart (the length is unknown before it is read).</summary>
    public virtual bool FirstPartDecides => false;

    protected PartSource Source { get; }

    /// <summary>Gets the plan the parts follow.</summary>
    public PartPlan Plan { get; }

    protected UploadErrors Errors => _context.Errors;

    /// <summary>The reader for a source: positional reads for a file, in-order reads for a stream of known or unknown length.</summary>
    public static PartReader For(PartSource source, PartPlan plan, OrderedBlobHasher wholeBlob, UploadContext context) =>
        source.ReadsInParallel ? new FilePartReader(source, plan, wholeBlob, context)
        : source.Length is null ? new UnknownLengthPartReader(source, plan, wholeBlob, context)
        : new KnownLengthPartReader(source, plan, wholeBlob, context);

    /// <summary>The part's planned size at <paramref name="index"/>, cut at the blob's end when the length is known.</summary>
    public long PlannedSize(int index, long offset)
    {
        long size = Plan.SizeOf(index);
        return Plan.TotalLength is long total ? Math.Min(size, total - offset) : size;
    }

    /// <summary>The part at <paramref name="index"/> into <paramref name="buffer"/> (or planned, for a file); null when the source ended.</summary>
    public abstract ValueTask<ReadPart?> NextAsync(int index, long offset, long size, PartBuffer buffer, CancellationToken cancellationToken);

    /// <summary>Fills a part <see cref="NextAsync"/> only planned (<see cref="ReadsOnSender"/>), on the sender's own task.</summary>
    public virtual ValueTask<ReadPart> FillAsync(ReadPart part, PartBuffer buffer, CancellationToken cancellationToken) => ValueTask.FromResult(part);

    /// <summary>Reads and hashes one part, and feeds the whole-blob digests in part order.</summary>
    protected async ValueTask<(long Read, PartDigest Digest)> ReadHashedAsync(int index, long offset, PartBuffer buffer, long size, CancellationToken cancellationToken)
    {
        using var hasher = new PartHasher(_context.Options.DigestAlgorithm, _context.Options.UseAlternateDigestTokens);
        long read = await Source.ReadAsync(offset, buffer, size, hasher, cancellationToken).ConfigureAwait(false);
        PartDigest digest = hasher.Finish();
        await _wholeBlob.AppendAsync(index, buffer, cancellationToken).ConfigureAwait(false);
        return (read, digest);
    }

    protected bool IsLastPlanned(int index) => Plan.PartCount is int count && index == count - 1;
}

/// <summary>A file: parts are planned here and read by their senders, in parallel, with positional reads.</summary>
internal sealed class FilePartReader(PartSource source, PartPlan plan, OrderedBlobHasher wholeBlob, UploadContext context)
    : PartReader(source, plan, wholeBlob, context)
{
    public override bool ReadsOnSender => true;

    public override ValueTask<ReadPart?> NextAsync(int index, long offset, long size, PartBuffer buffer, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ReadPart?>(new ReadPart(index, offset, size, IsLastPlanned(index), null));

    public override async ValueTask<ReadPart> FillAsync(ReadPart part, PartBuffer buffer, CancellationToken cancellationToken)
    {
        (long read, PartDigest digest) = await ReadHashedAsync(part.Index, part.Offset, buffer, part.Length, cancellationToken).ConfigureAwait(false);
        if (read < part.Length)
        {
            throw Errors.SourceTooShort(part.Offset + read, Source.Length ?? 0);
        }

        return part with { Length = read, Digest = digest };
    }
}

/// <summary>A seekable stream: one reader, in order, each part read before it is handed to its sender.</summary>
internal sealed class KnownLengthPartReader(PartSource source, PartPlan plan, OrderedBlobHasher wholeBlob, UploadContext context)
    : PartReader(source, plan, wholeBlob, context)
{
    public override async ValueTask<ReadPart?> NextAsync(int index, long offset, long size, PartBuffer buffer, CancellationToken cancellationToken)
    {
        (long read, PartDigest digest) = await ReadHashedAsync(index, offset, buffer, size, cancellationToken).ConfigureAwait(false);
        if (read < size)
        {
            throw Errors.SourceTooShort(offset + read, Plan.TotalLength!.Value);
        }

        return new ReadPart(index, offset, read, IsLastPlanned(index), digest);
    }
}

/// <summary>
/// A non-seekable stream: one reader, in order; the end is where a read comes up short, and the blob's limits are checked
/// as it grows. A first part shorter than the single-shot threshold is the whole blob, sent as one PUT.
/// </summary>
internal sealed class UnknownLengthPartReader(PartSource source, PartPlan plan, OrderedBlobHasher wholeBlob, UploadContext context)
    : PartReader(source, plan, wholeBlob, context)
{
    public override bool FirstPartDecides => true;

    public override async ValueTask<ReadPart?> NextAsync(int index, long offset, long size, PartBuffer buffer, CancellationToken cancellationToken)
    {
        (long read, PartDigest digest) = await ReadHashedAsync(index, offset, buffer, size, cancellationToken).ConfigureAwait(false);
        if (read == 0 && index > 0)
        {
            return null;
        }

        bool last = read < size;
        if (offset + read > BlobLimits.MaxBlobSize)
        {
            throw Errors.BlobTooLarge();
        }

        if (!last && index + 1 >= Plan.MaxParts)
        {
            throw Errors.TooManyParts(Plan.MaxParts);
        }

        return new ReadPart(index, offset, read, last, digest);
    }
}
