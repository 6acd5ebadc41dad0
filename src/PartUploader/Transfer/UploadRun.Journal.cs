using PartUploader.Internal.Protocol;

namespace PartUploader.Internal.Transfer;

/// <summary>The opt-in resume journal: written after start and after each acknowledged part, read to resume.</summary>
internal sealed partial class UploadRun
{
    private void StartJournal(PartPlan plan)
    {
        if (_request.Journal is not { } request || _upload is null)
        {
            return;
        }

        var state = new JournalState
        {
            BaseUrl = _endpoint.BaseUrl.AbsoluteUri,
            LayerId = _request.LayerId,
            DataHandle = _request.DataHandle,
            ContentType = _request.ContentType,
            ContentEncoding = _request.ContentEncoding,
            UploadId = _upload.UploadId,
            Links = new JournalLinks(_upload.UploadPart, _upload.Complete, _upload.Status, _upload.Delete),
            Source = request.Source,
            TotalLength = plan.TotalLength ?? 0,
            PartSize = plan.BaseSize,
            PartCount = plan.PartCount ?? 0,
            NumbersReservedThrough = plan.PartCount ?? 0,
        };
        _journal = new UploadJournal(request.Path, state);
        _journal.Save();
    }

    /// <summary>Continues from a journal: the links as recorded, and every acknowledged part as done.</summary>
    private void SeedFromJournal(JournalState state, HashSet<int> acknowledged)
    {
        _upload = new MultipartUpload(state.UploadId, state.Links.UploadPart, state.Links.Complete, state.Links.Status, state.Links.Delete);
        _journal = new UploadJournal(_request.Journal!.Path, state);
        foreach (JournalPart done in state.Acknowledged)
        {
            PartRecord part = _table.Add(done.Index, done.Offset);
            _table.SetData(part, done.Length, done.Crc32C, done.Digest);
            _table.RecordAttempt(part, done.Number);
            _table.Acknowledge(part, done.Number, done.ETag);
            part.Resumed = done.Retried;
            acknowledged.Add(done.Index);
            _progress.AddResumed(done.Length);
            _resumedParts++;
            _resumedBytes += done.Length;
        }
    }

    private void RecordInJournal(PartRecord part)
    {
        _journal?.Save(state =>
        {
            state.Acknowledged.Add(new JournalPart(part.Index, part.AckedNumber!.Value, part.ETag!, part.Crc32C, part.DigestHeader, part.Offset, part.Length, part.Retried));
            state.IssuedNumbers.AddRange(part.NumbersTried);
        });
    }

    /// <summary>For a resume after the complete call was sent: whether the service already completed the upload.</summary>
    private async Task<bool> IsCompletedAsync(CancellationToken token)
    {
        try
        {
            string status = string.Empty;
            await ExecuteAsync(BlobProtocol.OpStatus, async attemptToken =>
            {
                status = await _protocol.GetStatusAsync(_endpoint, _upload!, _options.BillingTag, _request.DataHandle, attemptToken).ConfigureAwait(false);
            }, token).ConfigureAwait(false);
            return status is "completed" or "processing";
        }
        catch (PartUploadException ex) when (ex.Status == 404)
        {
            return false;
        }
    }
}
