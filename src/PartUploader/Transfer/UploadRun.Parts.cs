using System.Diagnostics;
using PartUploader.Internal.Diagnostics;
using PartUploader.Internal.Hashing;
using PartUploader.Internal.Protocol;
using PartUploader.Internal.Resilience;

namespace PartUploader.Internal.Transfer;

/// <summary>Sending parts: the attempt loop, fresh numbers, digest re-checks.</summary>
internal sealed partial class UploadRun
{
    private async Task SendPartAsync(
        PartRecord part,
        PartBuffer buffer,
        int firstNumber,
        PartNumberAllocator numbers,
        OrderedBlobHasher blobHasher,
        SemaphoreSlim slots,
        CancellationTokenSource linked)
    {
        CancellationToken token = linked.Token;
        _diagnostics?.Enter();
        try
        {
            if (_source.ReadsInParallel)
            {
                (long read, PartDigest digest) = await ReadPartAsync(part.Index, part.Offset, buffer, part.Length, blobHasher, token).ConfigureAwait(false);
                if (read < part.Length)
                {
                    throw SourceTooShort(part.Offset + read, _source.Length ?? 0);
                }

                _table.SetData(part, read, digest.Crc32C, digest.HeaderValue);
            }

            await SendWithRetriesAsync(part, buffer, firstNumber, numbers, token).ConfigureAwait(false);
            RecordInJournal(part);
            _progress.AddAcknowledged(part.Length);
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

    private async Task SendWithRetriesAsync(PartRecord part, PartBuffer buffer, int firstNumber, PartNumberAllocator numbers, CancellationToken token)
    {
        var state = new PartAttemptState();
        await _runner.RunAsync(BlobProtocol.OpUploadPart, async attemptToken =>
        {
            int attempt = state.Attempts++;
            int number = attempt == 0 ? firstNumber : numbers.Next(part.Index, attempt) ?? throw NumbersExhausted(part.Index);
            if (attempt > 0)
            {
                _progress.AddRetry();
                PartUploaderTelemetry.Retries.Add(1);
            }

            _table.RecordAttempt(part, number);
            Log.PartSending(_logger, UploadId, number, part.Length, attempt + 1);

            using Activity? activity = PartUploaderTelemetry.Source.StartActivity(PartUploaderTelemetry.PartAttemptActivity, ActivityKind.Client);
            activity?.SetTag("partuploader.part_number", number);
            activity?.SetTag("partuploader.part_size", part.Length);
            activity?.SetTag("partuploader.attempt", attempt + 1);
            PartUploaderTelemetry.PartsInFlight.Add(1);
            long started = _time.GetTimestamp();
            int status = 0;
            try
            {
                long sentThisAttempt = 0;
                using StallWatchdog watchdog = NewWatchdog(attemptToken);
                using var content = new PartContent(buffer, _request.ContentType, written =>
                {
                    lock (state)
                    {
                        sentThisAttempt += written;
                        if (sentThisAttempt > state.MaxSent)
                        {
                            _progress.AddSent(sentThisAttempt - state.MaxSent);
                            state.MaxSent = sentThisAttempt;
                        }
                    }
                }, watchdog);

                PartAttemptResult result = await SendWatchedAsync(
                    BlobProtocol.OpUploadPart,
                    number,
                    watchdog,
                    () => _protocol.UploadPartAsync(_partEndpoint, _upload!, number, content, part.DigestHeader, _options.BillingTag, watchdog.Token),
                    attemptToken).ConfigureAwait(false);
                status = result.Status;
                activity?.SetTag("http.response.status_code", result.Status);

                if (result.Succeeded)
                {
                    activity?.SetStatus(ActivityStatusCode.Ok);
                    PartUploaderTelemetry.BytesUploaded.Add(part.Length);
                    _table.Acknowledge(part, number, result.ETag!);
                    long elapsedMs = (long)_time.GetElapsedTime(started).TotalMilliseconds;
                    Log.PartAcknowledged(_logger, UploadId, number, elapsedMs);
                    return Attempt<bool>.Done(true);
                }

                if (result.Status is >= 200 and <= 299)
                {
                    throw Error("The service acknowledged a part without an ETag, so the upload cannot be completed", BlobProtocol.OpUploadPart, PartUploadErrorCodes.MissingETag, status: result.Status, partNumber: number);
                }

                if (result.Status == 401 && !state.TokenRefreshed)
                {
                    // One refresh, then a retry under a fresh number (spec 2.2: never the same number twice).
                    state.TokenRefreshed = true;
                    await _endpoint.Tokens.GetTokenAsync(forceRefresh: true, attemptToken).ConfigureAwait(false);
                    return Retry(activity, result.Error, number);
                }

                if (result.Status == 400 && part.DigestHeader is not null)
                {
                    if (_source.CanReread)
                    {
                        uint again = await _source.ComputeCrc32CAsync(part.Offset, part.Length, attemptToken).ConfigureAwait(false);
                        if (again != part.Crc32C)
                        {
                            throw IntegrityError("The source changed while it was uploaded: a part read again has another digest", BlobProtocol.OpUploadPart, PartUploadErrorCodes.SourceChanged, status: result.Status, partNumber: number, offset: part.Offset);
                        }
                    }

                    if (!state.DigestRetried)
                    {
                        // The bytes we hold are what we read: a mismatch was corruption in transit. Once.
                        state.DigestRetried = true;
                        return Retry(activity, result.Error, number);
                    }

                    throw IntegrityError("The service rejected the part twice (400: digest mismatch or bad parameters)", BlobProtocol.OpUploadPart, result.Error.Code ?? PartUploadErrorCodes.DigestRejected, status: result.Status, partNumber: number, offset: part.Offset, service: result.Error);
                }

                if (result.Error.IsTransient)
                {
                    return Retry(activity, result.Error, number);
                }

                throw BlobProtocol.CreateException(BlobProtocol.OpUploadPart, result.Error, _request.DataHandle, UploadId, number);
            }
            catch (Exception ex)
            {
                activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
                throw;
            }
            finally
            {
                PartUploaderTelemetry.PartsInFlight.Add(-1);
                PartUploaderTelemetry.PartDuration.Record(
                    _time.GetElapsedTime(started).TotalSeconds,
                    new KeyValuePair<string, object?>("http.response.status_code", status));
            }
        }, token).ConfigureAwait(false);
    }

    /// <summary>A part attempt that got a transient answer: the retry strategy decides on it (a fresh number next time).</summary>
    private static Attempt<bool> Retry(Activity? activity, ServiceError error, int number)
    {
        activity?.SetStatus(ActivityStatusCode.Error, "retryable");
        return Attempt<bool>.Retry(error, number);
    }

    private StallWatchdog NewWatchdog(CancellationToken attemptToken) =>
        new(_time, _options.Retry.StallTimeout, _options.Retry.FirstByteTimeout, attemptToken);

    /// <summary>Sends one body under its watchdog: an attempt the watchdog abandoned is retried like an attempt timeout.</summary>
    private async Task<PartAttemptResult> SendWatchedAsync(
        string operation, int partNumber, StallWatchdog watchdog, Func<Task<PartAttemptResult>> send, CancellationToken attemptToken)
    {
        try
        {
            PartAttemptResult result = await send().ConfigureAwait(false);
            watchdog.Stop();
            return result;
        }
        catch (Exception ex) when (watchdog.Fired && !attemptToken.IsCancellationRequested
            && ex is OperationCanceledException or HttpRequestException or IOException)
        {
            string reason = watchdog.AfterBody
                ? $"no answer began within {watchdog.Exceeded} after the body was sent"
                : $"the body made no progress for {watchdog.Exceeded}";
            Log.AttemptStalled(_logger, operation, _request.DataHandle, partNumber, reason);
            throw watchdog.ToException(operation, ex);
        }
    }

    /// <summary>Runs one operation through the pipeline and turns whatever escapes it into the exception family.</summary>
    private Task ExecuteAsync(string operation, Func<CancellationToken, Task> attempt, CancellationToken token) =>
        _runner.ExecuteAsync(operation, attempt, token);

    private sealed class PartAttemptState
    {
        public int Attempts { get; set; }

        public long MaxSent { get; set; }

        public bool TokenRefreshed { get; set; }

        public bool DigestRetried { get; set; }
    }
}
