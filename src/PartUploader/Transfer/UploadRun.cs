using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using PartUploader.Internal.Diagnostics;
using PartUploader.Internal.Hashing;
using PartUploader.Internal.Protocol;
using Polly;

namespace PartUploader.Internal.Transfer;

/// <summary>
/// One upload, from planning to the result (spec sections 2-5): a reader fills parts, senders hand them to the
/// multipart session, and the session completes them. Failure or cancellation at any point stops reading, drains the
/// parts in flight, cancels the upload on the server with a token of its own, returns every buffer, and surfaces the
/// original error.
/// </summary>
internal sealed partial class UploadRun
{
    private readonly UploadContext _context;
    private readonly PartSource _source;
    private readonly TransferDiagnostics? _diagnostics;
    private readonly long _started;
    private readonly object _failureGate = new();
    private ProgressTracker _progress;
    private MultipartSession? _session;
    private SessionJournal? _journal;
    private ExceptionDispatchInfo? _failure;

    public UploadRun(
        BlobProtocol protocol,
        ResiliencePipeline pipeline,
        PartUploadClientOptions options,
        ILogger logger,
        BlobEndpoint endpoint,
        UploadRequest request,
        PartSource source,
        TransferDiagnostics? diagnostics)
    {
        _context = new UploadContext(protocol, pipeline, options, logger, endpoint, request, () => _session?.Upload?.UploadId);
        _source = source;
        _diagnostics = diagnostics;
        _started = _context.Time.GetTimestamp();
        _progress = new ProgressTracker(request.Progress, _context.Time, source.Length, null);
    }

    private UploadRequest Request => _context.Request;

    private PartUploadClientOptions Options => _context.Options;

    private TimeProvider Time => _context.Time;

    private async Task<PartUploadResult> RunCoreAsync(CancellationToken cancellationToken)
    {
        JournalState? resume = Request.Journal?.ResumeFrom;
        if (resume is null && !Request.ForceMultipart && _source.Length is long length && length < Options.SingleShotThreshold)
        {
            return await SinglePutAsync(prefilled: null, length, cancellationToken).ConfigureAwait(false);
        }

        PartPlan plan = PartPlan.Create(
            _source.Length, resume?.PartSize ?? Options.PartSize, Math.Max(Options.MaxBufferedBytes, resume?.PartSize ?? 0), Options.PartNumbering, Options.ReservedNumbersPerPart);
        Log.UploadStarting(_context.Logger, Request.DataHandle, Request.LayerId, _source.Length, plan.BaseSize, multipart: true);
        _progress = new ProgressTracker(Request.Progress, Time, plan.TotalLength, plan.PartCount);
        _journal = SessionJournal.For(_context);
        _session = new MultipartSession(_context, plan, resume, _journal, _progress, _source);
        return await MultipartAsync(plan, _session, cancellationToken).ConfigureAwait(false);
    }

    private Task<PartUploadResult> SinglePutAsync(SinglePut.Prefilled? prefilled, long length, CancellationToken token)
    {
        _progress = new ProgressTracker(Request.Progress, Time, length, 1);
        return new SinglePut(_context, _source, _progress, _diagnostics).RunAsync(prefilled, length, _started, token);
    }

    private async Task<PartUploadResult> MultipartAsync(PartPlan plan, MultipartSession session, CancellationToken callerToken)
    {
        // The pool holds whole segments: never fewer than the largest part needs (a resumed plan may have larger parts).
        // A batch passes the budget all its blobs share (a blob's parts are planned to fit it).
        SegmentPool pool = Request.SharedPool ?? new SegmentPool(Math.Max(Options.MaxBufferedBytes, (long)SegmentPool.SegmentsFor(plan.MaxSize) * SegmentPool.SegmentSize));
        if (_diagnostics is not null)
        {
            _diagnostics.Pool = pool;
        }

        // A resumed upload skips parts, so whole-blob digests other than the CRC-32C cannot be computed in order.
        JournalState? resume = Request.Journal?.ResumeFrom;
        using var blobHasher = new OrderedBlobHasher(resume is null ? Request.WholeBlobDigests : WholeBlobDigests.None);
        PartReader reader = PartReader.For(_source, plan, blobHasher, _context);
        int concurrency = ConcurrencyLimit.For(Options, plan.BaseSize, _context.Logger);
        using var slots = new SemaphoreSlim(concurrency, concurrency);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(callerToken);
        var workers = new List<Task>();
        PartUploadResult? singlePut = null;
        try
        {
            HashSet<int> acknowledgedBefore = resume is null ? [] : session.Resume(resume, _progress);
            if (resume is null && reader.ReadsOnSender)
            {
                // Senders read a file's parts: the upload starts before any buffer is rented or any byte read.
                await session.StartAsync(linked.Token).ConfigureAwait(false);
            }

            singlePut = await DispatchAsync(new Dispatch(reader, session, pool, slots, workers, linked), acknowledgedBefore, resume is not null).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Fail(ex, linked);
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
        if (singlePut is not null)
        {
            return singlePut;
        }

        if (_failure is null && callerToken.IsCancellationRequested)
        {
            Fail(new OperationCanceledException(callerToken), linked);
        }

        if (_failure is not null)
        {
            await CancelAfterFailureAsync(session).ConfigureAwait(false);
            if (callerToken.IsCancellationRequested && _failure.SourceException is not PartUploadException)
            {
                // Cancellation stays an unwrapped OperationCanceledException of the caller's token, whatever a part in flight threw;
                // it carries what happened to the upload on the server.
                var cancelled = new OperationCanceledException(callerToken);
                PartUploadExceptionData.CopyTo(_failure.SourceException, cancelled);
                throw cancelled;
            }

            _failure.Throw();
        }

        return await FinishAsync(plan, session, pool, blobHasher, callerToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Hands every part the reader yields to a sender, within the window of parts in flight and the memory budget;
    /// returns the single PUT's result when the reader's first part turned out to be the whole blob.
    /// </summary>
    private async Task<PartUploadResult?> DispatchAsync(Dispatch dispatch, HashSet<int> acknowledgedBefore, bool resumed)
    {
        CancellationToken token = dispatch.Linked.Token;
        PartReader reader = dispatch.Reader;
        long offset = 0;
        for (int index = 0; reader.Plan.PartCount is not int count || index < count; index++)
        {
            long size = reader.PlannedSize(index, offset);
            if (acknowledgedBefore.Contains(index))
            {
                offset += size;
                continue;
            }

            PartBuffer buffer = await dispatch.Pool.RentAsync(Math.Max(size, 1), token).ConfigureAwait(false);
            try
            {
                await dispatch.Slots.WaitAsync(token).ConfigureAwait(false);
            }
            catch
            {
                buffer.Dispose();
                throw;
            }

            bool handedOff = false;
            try
            {
                if (await reader.NextAsync(index, offset, size, buffer, token).ConfigureAwait(false) is not ReadPart part)
                {
                    break;
                }

                handedOff = true;
                if (await SinglePutInsteadAsync(dispatch, part, buffer).ConfigureAwait(false) is { } single)
                {
                    return single;
                }

                await HandOffAsync(dispatch, part, buffer, resumed).ConfigureAwait(false);
                offset += part.Length;
                if (part.Last)
                {
                    break;
                }
            }
            finally
            {
                if (!handedOff)
                {
                    buffer.Dispose();
                    dispatch.Slots.Release();
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The single PUT's result when the first part of a stream of unknown length is the whole blob and small (the buffer
    /// and the slot are then its); null otherwise.
    /// </summary>
    private async Task<PartUploadResult?> SinglePutInsteadAsync(Dispatch dispatch, ReadPart part, PartBuffer buffer)
    {
        if (dispatch.Session.Upload is not null || !dispatch.Reader.FirstPartDecides || part is not { Index: 0, Last: true }
            || Request.ForceMultipart || part.Length >= Options.SingleShotThreshold)
        {
            return null;
        }

        dispatch.Slots.Release();
        return await SinglePutAsync(new SinglePut.Prefilled(buffer, part.Digest!.Value), part.Length, dispatch.Linked.Token).ConfigureAwait(false);
    }

    /// <summary>Records a part in the session's table and starts its sender (which owns the buffer and the slot from here).</summary>
    private async Task HandOffAsync(Dispatch dispatch, ReadPart part, PartBuffer buffer, bool resumed)
    {
        MultipartSession session = dispatch.Session;
        try
        {
            if (session.Upload is null)
            {
                await session.StartAsync(dispatch.Linked.Token).ConfigureAwait(false);
            }

            (PartRecord record, int first) = session.Admit(part, resumed);
            dispatch.Workers.Add(Task.Run(() => SendPartAsync(dispatch, record, part, buffer, first), CancellationToken.None));
        }
        catch
        {
            buffer.Dispose();
            dispatch.Slots.Release();
            throw;
        }
    }

    /// <summary>One part's sender: reads it when the reader reads on senders, then uploads it through the session.</summary>
    private async Task SendPartAsync(Dispatch dispatch, PartRecord record, ReadPart part, PartBuffer buffer, int firstNumber)
    {
        (PartReader reader, MultipartSession session, SemaphoreSlim slots, CancellationTokenSource linked) = (dispatch.Reader, dispatch.Session, dispatch.Slots, dispatch.Linked);
        CancellationToken token = linked.Token;
        _diagnostics?.Enter();
        try
        {
            if (reader.ReadsOnSender)
            {
                session.Filled(record, await reader.FillAsync(part, buffer, token).ConfigureAwait(false));
            }

            await session.UploadPartAsync(record, buffer, firstNumber, token).ConfigureAwait(false);
            _progress.AddAcknowledged(record.Length);
        }
        catch (Exception ex)
        {
            Fail(ex, linked);
        }
        finally
        {
            _diagnostics?.Exit();
            buffer.Dispose();
            slots.Release();
        }
    }

    private void Fail(Exception exception, CancellationTokenSource linked)
    {
        lock (_failureGate)
        {
            if (_failure is null || (_failure.SourceException is OperationCanceledException && exception is not OperationCanceledException))
            {
                _failure = ExceptionDispatchInfo.Capture(exception);
            }
        }

        try
        {
            linked.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>What dispatching one upload's parts shares: the reader, the session, the budget, the window of parts in flight, the senders.</summary>
    private sealed record Dispatch(
        PartReader Reader, MultipartSession Session, SegmentPool Pool, SemaphoreSlim Slots, List<Task> Workers, CancellationTokenSource Linked);
}
