using System.Globalization;
using PartUploader.Internal.Diagnostics;
using PartUploader.Internal.Protocol;

namespace PartUploader.Internal.Transfer;

/// <summary>
/// One multipart upload on the service (spec 2): its links; the start, upload part, complete, status and cancel calls;
/// the part table and the part number allocator. Observers (the resume journal) see what it does; it writes nothing else.
/// </summary>
internal sealed class MultipartSession
{
    private static readonly TimeSpan s_firstPoll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan s_maxPoll = TimeSpan.FromSeconds(2);

    private readonly UploadContext _context;
    private readonly PartPlan _plan;
    private readonly ISessionObserver? _observer;
    private readonly PartAttempts _attempts;

    public MultipartSession(UploadContext context, PartPlan plan, JournalState? resume, ISessionObserver? observer, ProgressTracker progress, PartSource source)
    {
        _context = context;
        _plan = plan;
        _observer = observer;
        PartUploadClientOptions options = context.Options;
        Numbers = new PartNumberAllocator(
            options.PartNumbering,
            options.ReservedNumbersPerPart,
            plan.PartCount,
            resume is null ? null : Math.Max(resume.PartCount, resume.NumbersReservedThrough),
            observer is null ? null : observer.NumberIssued);
        _attempts = new PartAttempts(context, this, progress, source);
    }

    /// <summary>Gets the started upload's links, or null before the start call (or the resume).</summary>
    public MultipartUpload? Upload { get; private set; }

    public string UploadId => Upload?.UploadId ?? "not-started";

    /// <summary>Gets every part: offsets, digests, numbers tried, the acknowledged number and ETag.</summary>
    public PartTable Table { get; } = new();

    /// <summary>Gets the part numbers: fresh for every attempt, never one used before.</summary>
    public PartNumberAllocator Numbers { get; }

    /// <summary>Gets or sets a value indicating whether the complete call was sent (a cancel after it must check the status).</summary>
    private bool CompleteSent { get; set; }

    /// <summary>Gets how many parts and bytes an interrupted run had acknowledged.</summary>
    public (int Parts, long Bytes) Resumed { get; private set; }

    private BlobProtocol Protocol => _context.Protocol;

    private string? BillingTag => _context.Options.BillingTag;

    private string DataHandle => _context.DataHandle;

    public async Task StartAsync(CancellationToken token)
    {
        UploadRequest request = _context.Request;
        Upload = await _context.Runner.ExecuteAsync(
            BlobProtocol.OpStart,
            attemptToken => Protocol.StartAsync(_context.Endpoint, request.LayerId, request.DataHandle, request.ContentType, request.ContentEncoding, BillingTag, attemptToken),
            token).ConfigureAwait(false);
        Log.MultipartStarted(_context.Logger, UploadId, DataHandle);
        _observer?.Started(Upload, _plan);
    }

    /// <summary>Continues from a journal: the links as recorded, and every acknowledged part as done. Returns their indexes.</summary>
    public HashSet<int> Resume(JournalState state, ProgressTracker progress)
    {
        Upload = new MultipartUpload(state.UploadId, state.Links.UploadPart, state.Links.Complete, state.Links.Status, state.Links.Delete);
        var acknowledged = new HashSet<int>();
        foreach (JournalPart done in state.Acknowledged)
        {
            PartRecord part = Table.Add(done.Index, done.Offset);
            Table.SetData(part, done.Length, done.Crc32C, done.Digest);
            Table.RecordAttempt(part, done.Number);
            Table.Acknowledge(part, done.Number, done.ETag);
            part.Resumed = done.Retried;
            acknowledged.Add(done.Index);
            progress.AddResumed(done.Length);
            Resumed = (Resumed.Parts + 1, Resumed.Bytes + done.Length);
        }

        return acknowledged;
    }

    /// <summary>Enters a part the reader yielded in the table and gives it its first number.</summary>
    /// <exception cref="PartUploadException">No part number is left (<see cref="PartUploadErrorCodes.PartNumbersExhausted"/>).</exception>
    public (PartRecord Record, int FirstNumber) Admit(ReadPart part, bool resumed)
    {
        PartRecord record = Table.Add(part.Index, part.Offset);
        record.Length = part.Length;
        record.Resumed = resumed;
        if (part.Digest is { } digest)
        {
            Table.SetData(record, part.Length, digest.Crc32C, digest.HeaderValue);
        }

        int first = Numbers.Next(part.Index, 0) ?? throw _context.Errors.NumbersExhausted(part.Index);
        return (record, first);
    }

    /// <summary>Records what a sender read for a part admitted before it was read (a file's).</summary>
    public void Filled(PartRecord record, ReadPart filled) =>
        Table.SetData(record, filled.Length, filled.Digest!.Value.Crc32C, filled.Digest.Value.HeaderValue);

    /// <summary>Uploads one filled part until the service acknowledges it, each attempt under a fresh number.</summary>
    public async Task UploadPartAsync(PartRecord part, PartBuffer buffer, int firstNumber, CancellationToken token)
    {
        await _attempts.SendAsync(part, buffer, firstNumber, token).ConfigureAwait(false);
        _observer?.Acknowledged(part);
    }

    /// <summary>Sends the complete call with the parts in order; a lost answer is told apart by the status (spec 2.3).</summary>
    public async Task CompleteAsync(IReadOnlyList<CompletedPart> parts, CancellationToken token)
    {
        _observer?.Completing();
        CompleteSent = true;
        int attempts = 0;
        await _context.Runner.ExecuteAsync(BlobProtocol.OpComplete, async attemptToken =>
        {
            attempts++;
            try
            {
                await Protocol.CompleteAsync(_context.Endpoint, Upload!, parts, BillingTag, DataHandle, attemptToken).ConfigureAwait(false);
            }
            catch (BlobAlreadyExistsException) when (attempts > 1)
            {
                // An earlier attempt whose answer was lost may have completed the upload: the status tells.
                string status = await StatusAsync(attemptToken).ConfigureAwait(false);
                if (status is not ("completed" or "processing"))
                {
                    throw;
                }
            }
        }, token).ConfigureAwait(false);
    }

    /// <summary>Polls the status link with bounded backoff until <c>completed</c> (spec 2.4, 4.6).</summary>
    public async Task WaitForCompletedAsync(CancellationToken token)
    {
        TimeProvider time = _context.Time;
        long started = time.GetTimestamp();
        TimeSpan delay = s_firstPoll;
        while (true)
        {
            string status = await _context.Runner.ExecuteAsync(BlobProtocol.OpStatus, StatusAsync, token).ConfigureAwait(false);
            Log.StatusPolled(_context.Logger, UploadId, status);
            if (string.Equals(status, "completed", StringComparison.OrdinalIgnoreCase))
            {
                return;
            }

            if (string.Equals(status, "failed", StringComparison.OrdinalIgnoreCase))
            {
                throw _context.Errors.Error("The service reported the upload failed after the complete call", BlobProtocol.OpStatus, PartUploadErrorCodes.UploadFailed, status: 200);
            }

            TimeSpan limit = _context.Options.CompletionTimeout;
            if (time.GetElapsedTime(started) >= limit)
            {
                throw _context.Errors.Error(
                    string.Create(CultureInfo.InvariantCulture, $"The upload was still '{status}' after {limit}"), BlobProtocol.OpStatus, PartUploadErrorCodes.CompletionTimeout, status: 200);
            }

            await Task.Delay(delay, time, token).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, s_maxPoll.Ticks));
        }
    }

    /// <summary>For a resume after the complete call was sent: whether the service already completed the upload.</summary>
    public async Task<bool> IsCompletedAsync(CancellationToken token)
    {
        try
        {
            string status = await _context.Runner.ExecuteAsync(BlobProtocol.OpStatus, StatusAsync, token).ConfigureAwait(false);
            return status is "completed" or "processing";
        }
        catch (PartUploadException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    /// <summary>
    /// Cancels the upload on the server with a token of its own (spec 4.7). True when it is cancelled (or was never
    /// started); a failure is logged and attached to <paramref name="original"/>, never thrown over it.
    /// </summary>
    public async Task<bool> CancelAsync(Exception original)
    {
        if (Upload is null)
        {
            return true;
        }

        Log.UploadFailed(_context.Logger, original, UploadId, DataHandle);
        original.Data[PartUploadExceptionData.UploadId] = Upload.UploadId;
        using var timeout = new CancellationTokenSource(_context.Options.CancelTimeout, _context.Time);
        try
        {
            bool cancelled = await _context.Runner.ExecuteAsync(
                BlobProtocol.OpCancel,
                attemptToken => Protocol.CancelAsync(_context.Endpoint, Upload, BillingTag, DataHandle, attemptToken),
                timeout.Token).ConfigureAwait(false);
            if (!cancelled && CompleteSent && await StatusOrNullAsync(timeout.Token).ConfigureAwait(false) == "completed")
            {
                // The complete call was served before the cancel: the blob is stored, and saying "cancelled" would be false.
                original.Data[PartUploadExceptionData.CancelledOnServer] = false;
                original.Data[PartUploadExceptionData.BlobStored] = true;
                original.Data[PartUploadExceptionData.CancelError] = "the upload had already completed; the blob is stored under the data handle";
                return false;
            }

            Log.UploadCancelled(_context.Logger, UploadId, DataHandle);
            original.Data[PartUploadExceptionData.CancelledOnServer] = true;
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Best effort: a failed cancel is logged and attached, never thrown over the original error.
            Log.CancelFailed(_context.Logger, ex, UploadId, DataHandle);
            original.Data[PartUploadExceptionData.CancelledOnServer] = false;
            original.Data[PartUploadExceptionData.CancelError] = ex.Message;
            return false;
        }
    }

    private Task<string> StatusAsync(CancellationToken token) =>
        Protocol.GetStatusAsync(_context.Endpoint, Upload!, BillingTag, DataHandle, token);

    /// <summary>The upload's status after a cancel the service answered 404 to, or null when it cannot be told.</summary>
    private async Task<string?> StatusOrNullAsync(CancellationToken token)
    {
        try
        {
            return await _context.Runner.ExecuteAsync(BlobProtocol.OpStatus, StatusAsync, token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is PartUploadException or OperationCanceledException)
        {
            return null;
        }
    }
}
