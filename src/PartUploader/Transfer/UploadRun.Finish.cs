using PartUploader.Internal.Diagnostics;
using PartUploader.Internal.Hashing;
using PartUploader.Internal.Protocol;

namespace PartUploader.Internal.Transfer;

/// <summary>The end of a multipart upload: completed, checked and reported; or failed, and cancelled on the server.</summary>
internal sealed partial class UploadRun
{
    /// <summary>After a failure or cancellation: cancels the upload on the server (its outcome attached to the failure) and closes progress.</summary>
    private async Task CancelAfterFailureAsync(MultipartSession session)
    {
        if (await session.CancelAsync(_failure!.SourceException).ConfigureAwait(false))
        {
            _journal?.Ended(completed: false);
        }

        _progress.Close(report: false);
    }

    /// <summary>Sends the complete call, unless an interrupted run's complete call was already served (a resume after it was sent).</summary>
    private static async Task CompleteAsync(MultipartSession session, IReadOnlyList<CompletedPart> list, JournalState? resume, CancellationToken callerToken)
    {
        if (resume is { Completing: true } && await session.IsCompletedAsync(callerToken).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            await session.CompleteAsync(list, callerToken).ConfigureAwait(false);
        }
        catch (PartUploadException ex) when (resume is { Completing: true } && ex.Status is 404 or 409)
        {
            // The interrupted run's complete call may still have been served when we looked.
            if (!await session.IsCompletedAsync(callerToken).ConfigureAwait(false))
            {
                throw;
            }
        }
    }

    /// <summary>Every part acknowledged: completes the upload, waits until the service reports it completed, reads back what was asked.</summary>
    private async Task<PartUploadResult> FinishAsync(PartPlan plan, MultipartSession session, SegmentPool pool, OrderedBlobHasher blobHasher, CancellationToken callerToken)
    {
        JournalState? resume = Request.Journal?.ResumeFrom;
        IReadOnlyList<PartRecord> parts = session.Table.Snapshot();
        long totalBytes = parts.Sum(p => p.Length);
        _progress.SetTotals(totalBytes, parts.Count);

        bool committed = false;
        try
        {
            IReadOnlyList<CompletedPart> list = session.Table.CompletionList();
            if (_source.ChangedSinceOpen())
            {
                throw _context.Errors.SourceChanged();
            }

            await CompleteAsync(session, list, resume, callerToken).ConfigureAwait(false);
            await session.WaitForCompletedAsync(callerToken).ConfigureAwait(false);
            committed = true;
            int verified = await new ReadBack(_context, session.UploadId).VerifyAsync(parts, totalBytes, pool, callerToken).ConfigureAwait(false);
            (string? md5, string? sha1, string? sha256) = resume is null ? blobHasher.Finish() : default;
            _journal?.Ended(completed: true);

            TimeSpan elapsed = Time.GetElapsedTime(_started);
            _progress.Close(report: true);
            Log.UploadCompleted(_context.Logger, session.UploadId, Request.DataHandle, totalBytes, parts.Count, _progress.Retries, (long)elapsed.TotalMilliseconds);
            return new PartUploadResult
            {
                DataHandle = Request.DataHandle,
                Size = totalBytes,
                Multipart = true,
                PartSize = plan.BaseSize,
                PartCount = parts.Count,
                PartNumbers = list.Select(p => p.Number).ToArray(),
                Retries = _progress.Retries,
                Crc32C = PartTable.CombinedCrc(parts),
                Md5 = md5,
                Sha1 = sha1,
                Sha256 = sha256,
                VerifiedRanges = verified,
                Elapsed = elapsed,
                ResumedParts = session.Resumed.Parts,
                ResumedBytes = session.Resumed.Bytes,
            };
        }
        catch (Exception ex) when (!committed)
        {
            // Before the service reported the blob completed, the upload can still be cancelled; after, it is stored.
            if (await session.CancelAsync(ex).ConfigureAwait(false))
            {
                _journal?.Ended(completed: false);
            }

            throw;
        }
        catch (Exception ex)
        {
            // After the service reported the blob completed (a read-back failed or was cancelled): it is stored.
            ex.Data[PartUploadExceptionData.UploadId] = session.UploadId;
            ex.Data[PartUploadExceptionData.CancelledOnServer] = false;
            ex.Data[PartUploadExceptionData.BlobStored] = true;
            throw;
        }
        finally
        {
            _progress.Close(report: false);
        }
    }
}
