using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using PartUploader.Internal.Diagnostics;
using PartUploader.Internal.Hashing;
using PartUploader.Internal.Protocol;
using PartUploader.Internal.Resilience;
using Polly;

namespace PartUploader.Internal.Transfer;

/// <summary>
/// One upload, from planning to the result: the engine of spec sections 2-5. Failure or
/// cancellation at any point stops reading, drains the parts in flight, cancels the upload on the
/// server with a token of its own, returns every buffer, and surfaces the original error.
/// </summary>
internal sealed partial class UploadRun
{
    private readonly BlobProtocol _protocol;
    private readonly PartUploadClientOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly BlobEndpoint _endpoint;
    private readonly BlobEndpoint _partEndpoint;
    private readonly UploadRequest _request;
    private readonly PartSource _source;
    private readonly TransferDiagnostics? _diagnostics;
    private readonly UploadErrors _errors;
    private readonly RetryBudget _budget;
    private readonly OperationRunner _runner;
    private readonly PartTable _table = new();
    private readonly long _started;
    private readonly object _failureGate = new();
    private ProgressTracker _progress;
    private MultipartUpload? _upload;
    private ExceptionDispatchInfo? _failure;
    private UploadJournal? _journal;
    private bool _completeSent;
    private int _resumedParts;
    private long _resumedBytes;

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
        _protocol = protocol;
        _options = options;
        _logger = logger;
        _time = protocol.TimeProvider;
        _endpoint = endpoint;
        _partEndpoint = endpoint.ForPartUploads();
        _request = request;
        _source = source;
        _diagnostics = diagnostics;
        _errors = new UploadErrors(request.DataHandle, () => _upload?.UploadId);
        _budget = new RetryBudget(options.Retry.RetryBudget);
        _runner = new OperationRunner(pipeline, options.Retry.AttemptTimeout, _budget, Error);
        _started = _time.GetTimestamp();
        _progress = new ProgressTracker(request.Progress, _time, source.Length, null);
    }

    private string UploadId => _upload?.UploadId ?? "not-started";

    private async Task<PartUploadResult> RunCoreAsync(CancellationToken cancellationToken)
    {
        JournalState? resume = _request.Journal?.ResumeFrom;
        if (resume is null && !_request.ForceMultipart && _source.Length is long length && length < _options.SingleShotThreshold)
        {
            return await SinglePutAsync(prefilled: null, length, cancellationToken).ConfigureAwait(false);
        }

        PartPlan plan = PartPlan.Create(
            _source.Length, resume?.PartSize ?? _options.PartSize, Math.Max(_options.MaxBufferedBytes, resume?.PartSize ?? 0), _options.PartNumbering, _options.ReservedNumbersPerPart);
        Log.UploadStarting(_logger, _request.DataHandle, _request.LayerId, _source.Length, plan.BaseSize, multipart: true);
        _progress = new ProgressTracker(_request.Progress, _time, plan.TotalLength, plan.PartCount);
        return await MultipartAsync(plan, cancellationToken).ConfigureAwait(false);
    }

    private async Task<PartUploadResult> MultipartAsync(PartPlan plan, CancellationToken callerToken)
    {
        // The pool holds whole segments: never fewer than the largest part needs (a resumed plan may have larger parts).
        // A batch passes the budget all its blobs share (a blob's parts are planned to fit it).
        SegmentPool pool = _request.SharedPool ?? new SegmentPool(Math.Max(_options.MaxBufferedBytes, (long)SegmentPool.SegmentsFor(plan.MaxSize) * SegmentPool.SegmentSize));
        if (_diagnostics is not null)
        {
            _diagnostics.Pool = pool;
        }

        // A resumed upload skips parts, so whole-blob digests other than the CRC-32C cannot be computed in order.
        using var blobHasher = new OrderedBlobHasher(_request.Journal?.ResumeFrom is null ? _request.WholeBlobDigests : WholeBlobDigests.None);
        JournalState? resume = _request.Journal?.ResumeFrom;
        var numbers = new PartNumberAllocator(
            _options.PartNumbering,
            _options.ReservedNumbersPerPart,
            plan.PartCount,
            resume is null ? null : Math.Max(resume.PartCount, resume.NumbersReservedThrough),
            _request.Journal is null ? null : number => _journal?.EnsureReserved(number));
        var acknowledgedBefore = new HashSet<int>();
        int concurrency = ConcurrencyLimit.For(_options, plan.BaseSize, _logger);
        using var slots = new SemaphoreSlim(concurrency, concurrency);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(callerToken);
        CancellationToken token = linked.Token;
        var workers = new List<Task>();
        PartUploadResult? singlePut = null;

        try
        {
            if (resume is not null)
            {
                SeedFromJournal(resume, acknowledgedBefore);
            }
            else if (_source.ReadsInParallel)
            {
                await StartMultipartAsync(token).ConfigureAwait(false);
                StartJournal(plan);
            }

            long offset = 0;
            for (int index = 0; ; index++)
            {
                if (plan.PartCount is int count && index >= count)
                {
                    break;
                }

                long size = plan.SizeOf(index);
                if (plan.TotalLength is long total)
                {
                    size = Math.Min(size, total - offset);
                }

                if (acknowledgedBefore.Contains(index))
                {
                    offset += size;
                    continue;
                }

                PartBuffer buffer = await pool.RentAsync(Math.Max(size, 1), token).ConfigureAwait(false);
                try
                {
                    await slots.WaitAsync(token).ConfigureAwait(false);
                }
                catch
                {
                    buffer.Dispose();
                    throw;
                }

                bool handedOff = false;
                try
                {
                    bool last = plan.PartCount is int n && index == n - 1;
                    PartRecord part;
                    if (_source.ReadsInParallel)
                    {
                        part = _table.Add(index, offset);
                        part.Length = size;
                        part.Resumed = resume is not null;
                    }
                    else
                    {
                        (long read, PartDigest digest) = await ReadPartAsync(index, offset, buffer, size, blobHasher, token).ConfigureAwait(false);
                        if (plan.TotalLength is null)
                        {
                            if (read == 0 && index > 0)
                            {
                                break;
                            }

                            last = read < size;
                            EnsureWithinLimits(plan, index, offset + read, last);
                        }
                        else if (read < size)
                        {
                            throw SourceTooShort(offset + read, plan.TotalLength.Value);
                        }

                        part = _table.Add(index, offset);
                        _table.SetData(part, read, digest.Crc32C, digest.HeaderValue);
                        size = read;

                        if (_upload is null)
                        {
                            if (last && index == 0 && plan.TotalLength is null && !_request.ForceMultipart && read < _options.SingleShotThreshold)
                            {
                                handedOff = true;
                                slots.Release();
                                singlePut = await SinglePutAsync(buffer, read, token).ConfigureAwait(false);
                                break;
                            }

                            await StartMultipartAsync(token).ConfigureAwait(false);
                        }
                    }

                    int first = numbers.Next(index, 0) ?? throw NumbersExhausted(index);
                    PartBuffer owned = buffer;
                    handedOff = true;
                    workers.Add(Task.Run(() => SendPartAsync(part, owned, first, numbers, blobHasher, slots, linked), CancellationToken.None));
                    offset += size;
                    if (last)
                    {
                        break;
                    }
                }
                finally
                {
                    if (!handedOff)
                    {
                        buffer.Dispose();
                        slots.Release();
                    }
                }
            }
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
            if (await CancelOnServerAsync(_failure.SourceException).ConfigureAwait(false))
            {
                _journal?.Delete();
            }

            _progress.Close(report: false);
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

        IReadOnlyList<PartRecord> parts = _table.Snapshot();
        long totalBytes = parts.Sum(p => p.Length);
        _progress.SetTotals(totalBytes, parts.Count);

        bool committed = false;
        try
        {
            IReadOnlyList<CompletedPart> list = _table.CompletionList();
            if (_source.ChangedSinceOpen())
            {
                throw SourceChangedDuringUpload();
            }

            bool completedBefore = resume is { Completing: true } && await IsCompletedAsync(callerToken).ConfigureAwait(false);
            if (!completedBefore)
            {
                _journal?.Save(state => state.Completing = true);
                _completeSent = true;
                try
                {
                    await CompleteAsync(list, callerToken).ConfigureAwait(false);
                }
                catch (PartUploadException ex) when (resume is { Completing: true } && ex.Status is 404 or 409)
                {
                    // The interrupted run's complete call may still have been served when we looked.
                    if (!await IsCompletedAsync(callerToken).ConfigureAwait(false))
                    {
                        throw;
                    }
                }
            }

            await WaitForCompletedAsync(callerToken).ConfigureAwait(false);
            committed = true;
            int verified = await VerifyAsync(parts, totalBytes, pool, callerToken).ConfigureAwait(false);
            (string? md5, string? sha1, string? sha256) = resume is null ? blobHasher.Finish() : default;
            if (_request.Journal is not { KeepOnSuccess: true })
            {
                _journal?.Delete();
            }

            TimeSpan elapsed = _time.GetElapsedTime(_started);
            _progress.Close(report: true);
            Log.UploadCompleted(_logger, UploadId, _request.DataHandle, totalBytes, parts.Count, _progress.Retries, (long)elapsed.TotalMilliseconds);
            return new PartUploadResult
            {
                DataHandle = _request.DataHandle,
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
                ResumedParts = _resumedParts,
                ResumedBytes = _resumedBytes,
            };
        }
        catch (Exception ex) when (!committed)
        {
            // Before the service reported the blob completed, the upload can still be cancelled; after, it is stored.
            if (await CancelOnServerAsync(ex).ConfigureAwait(false))
            {
                _journal?.Delete();
            }

            throw;
        }
        catch (Exception ex)
        {
            // After the service reported the blob completed (a read-back failed or was cancelled): it is stored.
            ex.Data[PartUploadExceptionData.UploadId] = UploadId;
            ex.Data[PartUploadExceptionData.CancelledOnServer] = false;
            ex.Data[PartUploadExceptionData.BlobStored] = true;
            throw;
        }
        finally
        {
            _progress.Close(report: false);
        }
    }

    /// <summary>Reads one part sequentially (stream sources), hashing it and feeding the whole-blob digests in order.</summary>
    private async Task<(long Read, PartDigest Digest)> ReadPartAsync(int index, long offset, PartBuffer buffer, long size, OrderedBlobHasher blobHasher, CancellationToken token)
    {
        using var hasher = new PartHasher(_options.DigestAlgorithm, _options.UseAlternateDigestTokens);
        long read = await _source.ReadAsync(offset, buffer, size, hasher, token).ConfigureAwait(false);
        PartDigest digest = hasher.Finish();
        await blobHasher.AppendAsync(index, buffer, token).ConfigureAwait(false);
        return (read, digest);
    }

    private void EnsureWithinLimits(PartPlan plan, int index, long bytesSoFar, bool last)
    {
        if (bytesSoFar > BlobLimits.MaxBlobSize)
        {
            throw _errors.BlobTooLarge();
        }

        if (!last && index + 1 >= plan.MaxParts)
        {
            throw _errors.TooManyParts(plan.MaxParts);
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

    private SourceChangedException SourceTooShort(long got, long expected) => _errors.SourceTooShort(got, expected);

    private SourceChangedException SourceChangedDuringUpload() => _errors.SourceChanged();

    private PartUploadException NumbersExhausted(int index) => _errors.NumbersExhausted(index);

    private PartUploadException Error(
        string summary, string operation, string? code, int status = 0, int? partNumber = null, ServiceError? service = null, Exception? inner = null) =>
        _errors.Error(summary, operation, code, status, partNumber, service, inner);

    private PartChecksumMismatchException IntegrityError(
        string summary, string operation, string code, int status = 0, int? partNumber = null, long? offset = null, ServiceError? service = null) =>
        _errors.Integrity(summary, operation, code, status, partNumber, offset, service);
}
