using System.Diagnostics;
using PartUploader.Internal.Diagnostics;
using PartUploader.Internal.Protocol;
using PartUploader.Internal.Resilience;

namespace PartUploader.Internal.Transfer;

/// <summary>
/// Sends one part until the service acknowledges it: each attempt under a fresh number (spec 2.2), one token refresh
/// on 401, one re-send after a digest mismatch when the source still reads the same, progress and telemetry per attempt.
/// </summary>
internal sealed class PartAttempts(UploadContext context, MultipartSession session, ProgressTracker progress, PartSource source)
{
    public async Task SendAsync(PartRecord part, PartBuffer buffer, int firstNumber, CancellationToken token)
    {
        var state = new AttemptState();
        await context.Runner.RunAsync(
            BlobProtocol.OpUploadPart,
            attemptToken => AttemptAsync(part, buffer, part.NumbersTried.Count == 0 ? firstNumber : NextNumber(part), state, attemptToken),
            token).ConfigureAwait(false);
    }

    private int NextNumber(PartRecord part) =>
        session.Numbers.Next(part.Index, part.NumbersTried.Count) ?? throw context.Errors.NumbersExhausted(part.Index);

    private async Task<Attempt<bool>> AttemptAsync(PartRecord part, PartBuffer buffer, int number, AttemptState state, CancellationToken attemptToken)
    {
        int attempt = part.NumbersTried.Count;
        if (attempt > 0)
        {
            progress.AddRetry();
            PartUploaderTelemetry.Retries.Add(1);
        }

        session.Table.RecordAttempt(part, number);
        Log.PartSending(context.Logger, session.UploadId, number, part.Length, attempt + 1);

        using Activity? activity = PartUploaderTelemetry.Source.StartActivity(PartUploaderTelemetry.PartAttemptActivity, ActivityKind.Client);
        activity?.SetTag("partuploader.part_number", number);
        activity?.SetTag("partuploader.part_size", part.Length);
        activity?.SetTag("partuploader.attempt", attempt + 1);
        PartUploaderTelemetry.PartsInFlight.Add(1);
        TimeProvider time = context.Time;
        long started = time.GetTimestamp();
        int status = 0;
        try
        {
            PartAttemptResult result = await SendOnceAsync(part, buffer, number, state, attemptToken).ConfigureAwait(false);
            status = result.Status;
            activity?.SetTag("http.response.status_code", result.Status);
            if (result.Succeeded)
            {
                activity?.SetStatus(ActivityStatusCode.Ok);
                PartUploaderTelemetry.BytesUploaded.Add(part.Length);
                session.Table.Acknowledge(part, number, result.ETag!);
                long elapsedMs = (long)time.GetElapsedTime(started).TotalMilliseconds;
                Log.PartAcknowledged(context.Logger, session.UploadId, number, elapsedMs);
                return Attempt<bool>.Done(true);
            }

            Attempt<bool> retry = await DecideAsync(part, number, result, state, attemptToken).ConfigureAwait(false);
            activity?.SetStatus(ActivityStatusCode.Error, "retryable");
            return retry;
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
        finally
        {
            PartUploaderTelemetry.PartsInFlight.Add(-1);
            PartUploaderTelemetry.PartDuration.Record(time.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("http.response.status_code", status));
        }
    }

    private async Task<PartAttemptResult> SendOnceAsync(PartRecord part, PartBuffer buffer, int number, AttemptState state, CancellationToken attemptToken)
    {
        long sentThisAttempt = 0;
        using StallWatchdog watchdog = context.NewWatchdog(attemptToken);
        using var content = new PartContent(buffer, context.Request.ContentType, written =>
        {
            lock (state)
            {
                sentThisAttempt += written;
                if (sentThisAttempt > state.MaxSent)
                {
                    progress.AddSent(sentThisAttempt - state.MaxSent);
                    state.MaxSent = sentThisAttempt;
                }
            }
        }, watchdog);

        return await context.SendWatchedAsync(
            BlobProtocol.OpUploadPart,
            number,
            watchdog,
            () => context.Protocol.UploadPartAsync(context.PartEndpoint, session.Upload!, number, content, part.DigestHeader, context.Options.BillingTag, watchdog.Token),
            attemptToken).ConfigureAwait(false);
    }

    /// <summary>An answer other than an acknowledgement: a transient result to retry under a fresh number, or the error.</summary>
    private async Task<Attempt<bool>> DecideAsync(PartRecord part, int number, PartAttemptResult result, AttemptState state, CancellationToken attemptToken)
    {
        if (result.Status is >= 200 and <= 299)
        {
            throw context.Errors.Error(
                "The service acknowledged a part without an ETag, so the upload cannot be completed", BlobProtocol.OpUploadPart, PartUploadErrorCodes.MissingETag, status: result.Status, partNumber: number);
        }

        if (result.Status == 401 && !state.TokenRefreshed)
        {
            // One refresh, then a retry under a fresh number (spec 2.2: never the same number twice).
            state.TokenRefreshed = true;
            await context.Endpoint.Tokens.GetTokenAsync(forceRefresh: true, attemptToken).ConfigureAwait(false);
            return Attempt<bool>.Retry(result.Error, number);
        }

        if (result.Status == 400 && part.DigestHeader is not null)
        {
            if (source.CanReread)
            {
                uint again = await source.ComputeCrc32CAsync(part.Offset, part.Length, attemptToken).ConfigureAwait(false);
                if (again != part.Crc32C)
                {
                    throw context.Errors.Integrity(
                        "The source changed while it was uploaded: a part read again has another digest", BlobProtocol.OpUploadPart, PartUploadErrorCodes.SourceChanged, status: result.Status, partNumber: number, offset: part.Offset);
                }
            }

            if (!state.DigestRetried)
            {
                // The bytes we hold are what we read: a mismatch was corruption in transit. Once.
                state.DigestRetried = true;
                return Attempt<bool>.Retry(result.Error, number);
            }

            throw context.Errors.Integrity(
                "The service rejected the part twice (400: digest mismatch or bad parameters)", BlobProtocol.OpUploadPart, result.Error.Code ?? PartUploadErrorCodes.DigestRejected, status: result.Status, partNumber: number, offset: part.Offset, service: result.Error);
        }

        if (result.Error.IsTransient)
        {
            return Attempt<bool>.Retry(result.Error, number);
        }

        throw BlobProtocol.CreateException(BlobProtocol.OpUploadPart, result.Error, context.DataHandle, session.UploadId, number);
    }

    private sealed class AttemptState
    {
        public long MaxSent { get; set; }

        public bool TokenRefreshed { get; set; }

        public bool DigestRetried { get; set; }
    }
}
