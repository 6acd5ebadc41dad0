using PartUploader.Internal.Diagnostics;
using PartUploader.Internal.Hashing;
using PartUploader.Internal.Protocol;
using PartUploader.Internal.Resilience;

namespace PartUploader.Internal.Transfer;

/// <summary>One PUT for a small blob (spec 3), retried on transient answers like a part; read back whole when asked.</summary>
internal sealed class SinglePut(UploadContext context, PartSource source, ProgressTracker progress, TransferDiagnostics? diagnostics)
{
    /// <summary>A part a reader already filled: the first part of a stream of unknown length, found to be the whole blob.</summary>
    public readonly record struct Prefilled(PartBuffer Buffer, PartDigest Digest);

    /// <summary>Sends the blob; <paramref name="prefilled"/> (owned, disposed here) when it was already read, else it is read here.</summary>
    public async Task<PartUploadResult> RunAsync(Prefilled? prefilled, long length, long startedAt, CancellationToken token)
    {
        UploadRequest request = context.Request;
        Log.UploadStarting(context.Logger, request.DataHandle, request.LayerId, length, 0, multipart: false);
        (PartBuffer buffer, SegmentPool? pool) = prefilled is { } filled ? (filled.Buffer, null) : await RentAsync(length, token).ConfigureAwait(false);
        PartDigest digest;
        (string? Md5, string? Sha1, string? Sha256) blobDigests;
        using (buffer)
        using (var wholeHasher = new OrderedBlobHasher(request.WholeBlobDigests))
        {
            if (prefilled is { } given)
            {
                digest = given.Digest;
            }
            else
            {
                using var hasher = new PartHasher(context.Options.DigestAlgorithm, context.Options.UseAlternateDigestTokens);
                long read = await source.ReadAsync(0, buffer, length, hasher, token).ConfigureAwait(false);
                digest = hasher.Finish();
                if (read < length)
                {
                    throw context.Errors.SourceTooShort(read, length);
                }

                if (source.ChangedSinceOpen(buffer, digest.Crc32C))
                {
                    throw context.Errors.SourceChanged();
                }
            }

            await wholeHasher.AppendAsync(0, buffer, token).ConfigureAwait(false);
            blobDigests = wholeHasher.Finish();
            await SendAsync(buffer, digest, token).ConfigureAwait(false);
        }

        progress.AddAcknowledged(length);
        PartUploaderTelemetry.BytesUploaded.Add(length);
        int verified = 0;
        if (context.Options.VerifyFullReadBack && length > 0)
        {
            // Asked for, a single PUT is read back whole too (after its buffer went back, so the read needs no more than one segment).
            await new ReadBack(context, "not-started").VerifyRangeAsync(0, length, digest.Crc32C, pool ?? new SegmentPool(SegmentPool.SegmentSize), string.Empty, token).ConfigureAwait(false);
            verified = 1;
        }

        TimeSpan elapsed = context.Time.GetElapsedTime(startedAt);
        progress.Close(report: true);
        Log.SinglePutCompleted(context.Logger, request.DataHandle, length, (long)elapsed.TotalMilliseconds);
        return new PartUploadResult
        {
            DataHandle = request.DataHandle,
            Size = length,
            Multipart = false,
            PartSize = 0,
            PartCount = 1,
            PartNumbers = [],
            Retries = progress.Retries,
            Crc32C = digest.Crc32C,
            Md5 = blobDigests.Md5,
            Sha1 = blobDigests.Sha1,
            Sha256 = blobDigests.Sha256,
            VerifiedRanges = verified,
            Elapsed = elapsed,
        };
    }

    /// <summary>A buffer for the whole blob, from the batch's shared budget or a pool of its own.</summary>
    private async Task<(PartBuffer Buffer, SegmentPool Pool)> RentAsync(long length, CancellationToken token)
    {
        SegmentPool pool = context.Request.SharedPool ?? new SegmentPool(Math.Max(SegmentPool.SegmentSize, (long)SegmentPool.SegmentsFor(length) * SegmentPool.SegmentSize));
        if (diagnostics is not null)
        {
            diagnostics.Pool = pool;
        }

        return (await pool.RentAsync(Math.Max(length, 1), token).ConfigureAwait(false), pool);
    }

    private async Task SendAsync(PartBuffer buffer, PartDigest digest, CancellationToken token)
    {
        UploadRequest request = context.Request;
        long maxSent = 0;
        await context.Runner.RunAsync(BlobProtocol.OpPut, async attemptToken =>
        {
            long sent = 0;
            using StallWatchdog watchdog = context.NewWatchdog(attemptToken);
            using var content = new PartContent(buffer, request.ContentType, written =>
            {
                sent += written;
                if (sent > maxSent)
                {
                    progress.AddSent(sent - maxSent);
                    maxSent = sent;
                }
            }, watchdog);
            if (!string.IsNullOrEmpty(request.ContentEncoding))
            {
                content.Headers.ContentEncoding.Add(request.ContentEncoding);
            }

            PartAttemptResult result = await context.SendWatchedAsync(
                BlobProtocol.OpPut,
                0,
                watchdog,
                () => context.Protocol.PutAsync(context.Endpoint, request.LayerId, request.DataHandle, content, digest.HeaderValue, context.Options.BillingTag, watchdog.Token),
                attemptToken).ConfigureAwait(false);
            if (result.Status is >= 200 and <= 299)
            {
                return Attempt<bool>.Done(true);
            }

            if (result.Error.IsTransient)
            {
                progress.AddRetry();
                return Attempt<bool>.Retry(result.Error);
            }

            throw BlobProtocol.CreateException(BlobProtocol.OpPut, result.Error, request.DataHandle, null, null);
        }, token).ConfigureAwait(false);
    }
}
