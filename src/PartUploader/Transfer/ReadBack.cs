using System.Globalization;
using System.Net;
using PartUploader.Internal.Diagnostics;
using PartUploader.Internal.Hashing;
using PartUploader.Internal.Protocol;

namespace PartUploader.Internal.Transfer;

/// <summary>Reads stored byte ranges back and compares their CRC-32C with what was sent: the misplacement check of spec 5.</summary>
internal sealed class ReadBack(UploadContext context, string uploadId)
{
    /// <summary>Reads back retried parts (and everything, when asked); returns how many ranges were checked.</summary>
    public async Task<int> VerifyAsync(IReadOnlyList<PartRecord> parts, long totalBytes, SegmentPool pool, CancellationToken token)
    {
        var ranges = new List<(long Offset, long Length, uint Crc)>();
        if (context.Options.VerifyFullReadBack)
        {
            if (totalBytes > 0)
            {
                ranges.Add((0, totalBytes, PartTable.CombinedCrc(parts)));
            }
        }
        else if (context.Options.VerifyRetriedParts)
        {
            ranges.AddRange(parts.Where(p => p.Retried && p.Length > 0).Select(p => (p.Offset, p.Length, p.Crc32C)));
        }

        foreach ((long offset, long length, uint expected) in ranges)
        {
            await VerifyRangeAsync(offset, length, expected, pool, ": the service may assemble parts by number, not by list order; use PartNumbering.Reserved", token).ConfigureAwait(false);
        }

        return ranges.Count;
    }

    /// <summary>Reads one byte range back and compares its CRC-32C; a difference is <see cref="PartUploadErrorCodes.ReadBackMismatch"/>.</summary>
    public async Task VerifyRangeAsync(long offset, long length, uint expected, SegmentPool pool, string hint, CancellationToken token)
    {
        (uint actual, long read) = await context.Runner.ExecuteAsync(
            BlobProtocol.OpGet, attemptToken => ReadRangeCrcAsync(offset, length, pool, attemptToken), token).ConfigureAwait(false);
        if (actual != expected || read != length)
        {
            throw context.Errors.Integrity(
                string.Create(CultureInfo.InvariantCulture, $"The stored blob differs from the source at bytes {offset}-{offset + length - 1}{hint}"),
                BlobProtocol.OpGet,
                PartUploadErrorCodes.ReadBackMismatch,
                status: 206,
                offset: offset);
        }

        Log.RangeVerified(context.Logger, uploadId, length, offset);
    }

    private async Task<(uint Crc, long Read)> ReadRangeCrcAsync(long offset, long length, SegmentPool pool, CancellationToken token)
    {
        string range = string.Create(CultureInfo.InvariantCulture, $"bytes={offset}-{offset + length - 1}");
        UploadRequest request = context.Request;
        using HttpResponseMessage response = await context.Protocol.GetAsync(
            context.Endpoint, request.LayerId, request.DataHandle, range, context.Options.BillingTag, token).ConfigureAwait(false);
        Stream body = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
        await using System.Runtime.CompilerServices.ConfiguredAsyncDisposable bodyScope = body.ConfigureAwait(false);
        using PartBuffer scratch = await pool.RentAsync(SegmentPool.SegmentSize, token).ConfigureAwait(false);
        Memory<byte> memory = scratch.Regions(0, SegmentPool.SegmentSize)[0];
        long skip = response.StatusCode == HttpStatusCode.PartialContent ? 0 : offset;
        var crc = Crc32C.CreateIncremental();
        long read = 0;
        while (read < length)
        {
            int n = await body.ReadAsync(memory, token).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            ReadOnlyMemory<byte> chunk = memory[..n];
            if (skip > 0)
            {
                int dropped = (int)Math.Min(skip, n);
                skip -= dropped;
                chunk = chunk[dropped..];
            }

            int take = (int)Math.Min(chunk.Length, length - read);
            crc.Append(chunk.Span[..take]);
            read += take;
        }

        return (crc.GetCurrentHashAsUInt32(), read);
    }
}
