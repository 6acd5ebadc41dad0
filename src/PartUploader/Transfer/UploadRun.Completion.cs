using System.Globalization;
using System.Net;
using PartUploader.Internal.Diagnostics;
using PartUploader.Internal.Hashing;
using PartUploader.Internal.Protocol;
using PartUploader.Internal.Resilience;

namespace PartUploader.Internal.Transfer;

/// <summary>Start, complete, status polling, read-back verification, cancellation, single PUT.</summary>
internal sealed partial class UploadRun
{
    private static readonly TimeSpan s_firstPoll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan s_maxPoll = TimeSpan.FromSeconds(2);

    private async Task StartMultipartAsync(CancellationToken token)
    {
        MultipartUpload? upload = null;
        await ExecuteAsync(BlobProtocol.OpStart, async attemptToken =>
        {
            upload = await _protocol.StartAsync(
                _endpoint, _request.LayerId, _request.DataHandle, _request.ContentType, _request.ContentEncoding, _options.BillingTag, attemptToken).ConfigureAwait(false);
        }, token).ConfigureAwait(false);
        _upload = upload;
        Log.MultipartStarted(_logger, UploadId, _request.DataHandle);
    }

    private async Task CompleteAsync(IReadOnlyList<CompletedPart> parts, CancellationToken token)
    {
        int attempts = 0;
        await ExecuteAsync(BlobProtocol.OpComplete, async attemptToken =>
        {
            attempts++;
            try
            {
                await _protocol.CompleteAsync(_endpoint, _upload!, parts, _options.BillingTag, _request.DataHandle, attemptToken).ConfigureAwait(false);
            }
            catch (BlobAlreadyExistsException) when (attempts > 1)
            {
                // An earlier attempt whose answer was lost may have completed the upload: the status tells.
                string status = await _protocol.GetStatusAsync(_endpoint, _upload!, _options.BillingTag, _request.DataHandle, attemptToken).ConfigureAwait(false);
                if (status is not ("completed" or "processing"))
                {
                    throw;
                }
            }
        }, token).ConfigureAwait(false);
    }

    /// <summary>Polls the status link with bounded backoff until <c>completed</c> (spec 2.4, 4.6).</summary>
    private async Task WaitForCompletedAsync(CancellationToken token)
    {
        long deadline = _time.GetTimestamp();
        TimeSpan delay = s_firstPoll;
        while (true)
        {
            string status = string.Empty;
            await ExecuteAsync(BlobProtocol.OpStatus, async attemptToken =>
            {
                status = await _protocol.GetStatusAsync(_endpoint, _upload!, _options.BillingTag, _request.DataHandle, attemptToken).ConfigureAwait(false);
            }, token).ConfigureAwait(false);

            Log.StatusPolled(_logger, UploadId, status);
            if (string.Equals(status, "completed", StringComparison.OrdinalIgnoreCase))
            {
                return;
            }

            if (string.Equals(status, "failed", StringComparison.OrdinalIgnoreCase))
            {
                throw Error("The service reported the upload failed after the complete call", BlobProtocol.OpStatus, PartUploadErrorCodes.UploadFailed, status: 200);
            }

            if (_time.GetElapsedTime(deadline) >= _options.CompletionTimeout)
            {
                throw Error(string.Create(CultureInfo.InvariantCulture, $"The upload was still '{status}' after {_options.CompletionTimeout}"), BlobProtocol.OpStatus, PartUploadErrorCodes.CompletionTimeout, status: 200);
            }

            await Task.Delay(delay, _time, token).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, s_maxPoll.Ticks));
        }
    }

    /// <summary>Reads back retried parts (and everything, when asked) and compares CRC-32C: the misplacement check of spec 5.</summary>
    private async Task<int> VerifyAsync(IReadOnlyList<PartRecord> parts, long totalBytes, SegmentPool pool, CancellationToken token)
    {
        var ranges = new List<(long Offset, long Length, uint Crc)>();
        if (_options.VerifyFullReadBack)
        {
            if (totalBytes > 0)
            {
                ranges.Add((0, totalBytes, PartTable.CombinedCrc(parts)));
            }
        }
        else if (_options.VerifyRetriedParts)
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
    private async Task VerifyRangeAsync(long offset, long length, uint expected, SegmentPool pool, string hint, CancellationToken token)
    {
        uint actual = 0;
        long read = 0;
        await ExecuteAsync(BlobProtocol.OpGet, async attemptToken =>
        {
            (actual, read) = await ReadRangeCrcAsync(offset, length, pool, attemptToken).ConfigureAwait(false);
        }, token).ConfigureAwait(false);

        if (actual != expected || read != length)
        {
            throw IntegrityError(string.Create(CultureInfo.InvariantCulture,
                    $"The stored blob differs from the source at bytes {offset}-{offset + length - 1}{hint}"), BlobProtocol.OpGet, PartUploadErrorCodes.ReadBackMismatch, status: 206, offset: offset);
        }

        Log.RangeVerified(_logger, UploadId, length, offset);
    }

    private async Task<(uint Crc, long Read)> ReadRangeCrcAsync(long offset, long length, SegmentPool pool, CancellationToken token)
    {
        string range = string.Create(CultureInfo.InvariantCulture, $"bytes={offset}-{offset + length - 1}");
        using HttpResponseMessage response = await _protocol.GetAsync(_endpoint, _request.LayerId, _request.DataHandle, range, _options.BillingTag, token).ConfigureAwait(false);
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

    /// <summary>Cancels the multipart upload on the server with a token of its own (spec 4.7); a failure is logged and attached, never thrown over the original error.</summary>
    private async Task<bool> CancelOnServerAsync(Exception original)
    {
        if (_upload is null)
        {
            return true;
        }

        Log.UploadFailed(_logger, original, UploadId, _request.DataHandle);
        original.Data[PartUploadExceptionData.UploadId] = _upload.UploadId;
        using var timeout = new CancellationTokenSource(_options.CancelTimeout, _time);
        try
        {
            bool cancelled = false;
            await ExecuteAsync(BlobProtocol.OpCancel, async attemptToken =>
            {
                cancelled = await _protocol.CancelAsync(_endpoint, _upload, _options.BillingTag, _request.DataHandle, attemptToken).ConfigureAwait(false);
            }, timeout.Token).ConfigureAwait(false);
            if (!cancelled && _completeSent && await StatusOrNullAsync(timeout.Token).ConfigureAwait(false) == "completed")
            {
                // The complete call was served before the cancel: the blob is stored, and saying "cancelled" would be false.
                original.Data[PartUploadExceptionData.CancelledOnServer] = false;
                original.Data[PartUploadExceptionData.BlobStored] = true;
                original.Data[PartUploadExceptionData.CancelError] = "the upload had already completed; the blob is stored under the data handle";
                return false;
            }

            Log.UploadCancelled(_logger, UploadId, _request.DataHandle);
            original.Data[PartUploadExceptionData.CancelledOnServer] = true;
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Best effort: a failed cancel is logged and attached, never thrown over the original error.
            Log.CancelFailed(_logger, ex, UploadId, _request.DataHandle);
            original.Data[PartUploadExceptionData.CancelledOnServer] = false;
            original.Data[PartUploadExceptionData.CancelError] = ex.Message;
            return false;
        }
    }

    /// <summary>The upload's status after a cancel the service answered 404 to, or null when it cannot be told.</summary>
    private async Task<string?> StatusOrNullAsync(CancellationToken token)
    {
        try
        {
            string? status = null;
            await ExecuteAsync(BlobProtocol.OpStatus, async attemptToken =>
            {
                status = await _protocol.GetStatusAsync(_endpoint, _upload!, _options.BillingTag, _request.DataHandle, attemptToken).ConfigureAwait(false);
            }, token).ConfigureAwait(false);
            return status;
        }
        catch (Exception ex) when (ex is PartUploadException or OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>One PUT for a small blob (spec 3), retried on transient failures like a part.</summary>
    private async Task<PartUploadResult> SinglePutAsync(PartBuffer? prefilled, long length, CancellationToken token)
    {
        Log.UploadStarting(_logger, _request.DataHandle, _request.LayerId, length, 0, multipart: false);
        _progress = new ProgressTracker(_request.Progress, _time, length, 1);
        SegmentPool? pool = null;
        PartBuffer buffer;
        PartDigest digest = default;
        (string? Md5, string? Sha1, string? Sha256) blobDigests;
        if (prefilled is not null)
        {
            buffer = prefilled;
            digest = _table.Snapshot()[0] is { } first ? new PartDigest(first.Crc32C, first.DigestHeader) : default;
            blobDigests = default;
        }
        else
        {
            pool = _request.SharedPool ?? new SegmentPool(Math.Max(SegmentPool.SegmentSize, (long)SegmentPool.SegmentsFor(length) * SegmentPool.SegmentSize));
            if (_diagnostics is not null)
            {
                _diagnostics.Pool = pool;
            }

            buffer = await pool.RentAsync(Math.Max(length, 1), token).ConfigureAwait(false);
            blobDigests = default;
        }

        using (buffer)
        using (var wholeHasher = new OrderedBlobHasher(_request.WholeBlobDigests))
        {
            if (prefilled is null)
            {
                (long read, digest) = await ReadPartAsync(0, 0, buffer, length, wholeHasher, token).ConfigureAwait(false);
                if (read < length)
                {
                    throw SourceTooShort(read, length);
                }

                if (_source.ChangedSinceOpen())
                {
                    throw SourceChangedDuringUpload();
                }
            }
            else
            {
                await wholeHasher.AppendAsync(0, buffer, token).ConfigureAwait(false);
            }

            blobDigests = wholeHasher.Finish();
            long maxSent = 0;
            await _runner.RunAsync(BlobProtocol.OpPut, async attemptToken =>
            {
                long sent = 0;
                using StallWatchdog watchdog = NewWatchdog(attemptToken);
                using var content = new PartContent(buffer, _request.ContentType, written =>
                {
                    sent += written;
                    if (sent > maxSent)
                    {
                        _progress.AddSent(sent - maxSent);
                        maxSent = sent;
                    }
                }, watchdog);
                if (!string.IsNullOrEmpty(_request.ContentEncoding))
                {
                    content.Headers.ContentEncoding.Add(_request.ContentEncoding);
                }

                PartAttemptResult result = await SendWatchedAsync(
                    BlobProtocol.OpPut,
                    0,
                    watchdog,
                    () => _protocol.PutAsync(_endpoint, _request.LayerId, _request.DataHandle, content, digest.HeaderValue, _options.BillingTag, watchdog.Token),
                    attemptToken).ConfigureAwait(false);
                if (result.Status is >= 200 and <= 299)
                {
                    return Attempt<bool>.Done(true);
                }

                if (result.Error.IsTransient)
                {
                    _progress.AddRetry();
                    return Attempt<bool>.Retry(result.Error);
                }

                throw BlobProtocol.CreateException(BlobProtocol.OpPut, result.Error, _request.DataHandle, null, null);
            }, token).ConfigureAwait(false);
        }

        _progress.AddAcknowledged(length);
        PartUploaderTelemetry.BytesUploaded.Add(length);
        int verified = 0;
        if (_options.VerifyFullReadBack && length > 0)
        {
            // Asked for, a single PUT is read back whole too (after its buffer went back, so the read needs no more than one segment).
            await VerifyRangeAsync(0, length, digest.Crc32C, pool ?? new SegmentPool(SegmentPool.SegmentSize), string.Empty, token).ConfigureAwait(false);
            verified = 1;
        }

        TimeSpan elapsed = _time.GetElapsedTime(_started);
        _progress.Close(report: true);
        Log.SinglePutCompleted(_logger, _request.DataHandle, length, (long)elapsed.TotalMilliseconds);
        return new PartUploadResult
        {
            DataHandle = _request.DataHandle,
            Size = length,
            Multipart = false,
            PartSize = 0,
            PartCount = 1,
            PartNumbers = [],
            Retries = _progress.Retries,
            Crc32C = digest.Crc32C,
            Md5 = blobDigests.Md5,
            Sha1 = blobDigests.Sha1,
            Sha256 = blobDigests.Sha256,
            VerifiedRanges = verified,
            Elapsed = elapsed,
        };
    }
}
