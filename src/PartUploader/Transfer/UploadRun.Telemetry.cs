using System.Diagnostics;
using PartUploader.Internal.Diagnostics;

namespace PartUploader.Internal.Transfer;

/// <summary>The upload as telemetry sees it: one activity with its outcome, and the duration metric.</summary>
internal sealed partial class UploadRun
{
    public async Task<PartUploadResult> RunAsync(CancellationToken cancellationToken)
    {
        using Activity? activity = PartUploaderTelemetry.Source.StartActivity(PartUploaderTelemetry.UploadActivity, ActivityKind.Client);
        activity?.SetTag("partuploader.layer_id", Request.LayerId);
        activity?.SetTag("partuploader.digest", Options.DigestAlgorithm.ToString());
        string outcome = "failed";
        try
        {
            PartUploadResult result = await RunCoreAsync(cancellationToken).ConfigureAwait(false);
            outcome = "completed";
            activity?.SetTag("partuploader.upload_id", _session?.Upload?.UploadId);
            activity?.SetTag("partuploader.multipart", result.Multipart);
            activity?.SetTag("partuploader.size", result.Size);
            activity?.SetTag("partuploader.part_count", result.PartCount);
            activity?.SetTag("partuploader.retries", result.Retries);
            activity?.SetStatus(ActivityStatusCode.Ok);
            return result;
        }
        catch (OperationCanceledException stopped) when (Request.TimeLimit is { Exceeded: true } limit)
        {
            // The overall time limit passed: a failure (the upload was cancelled on the server like for any failure), not a cancellation.
            PartUploadException error = limit.CreateException(Request.DataHandle, stopped);
            activity?.SetTag("partuploader.upload_id", _session?.Upload?.UploadId);
            activity?.SetTag("error.type", PartUploadErrorCodes.TimeLimitExceeded);
            activity?.SetStatus(ActivityStatusCode.Error, nameof(PartUploadException));
            throw error;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            outcome = "cancelled";
            activity?.SetStatus(ActivityStatusCode.Error, "cancelled");
            throw;
        }
        catch (Exception ex)
        {
            activity?.SetTag("partuploader.upload_id", _session?.Upload?.UploadId);
            activity?.SetTag("error.type", ex is PartUploadException { ErrorCode: { } code } ? code : ex.GetType().Name);
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
        finally
        {
            PartUploaderTelemetry.UploadDuration.Record(Time.GetElapsedTime(_started).TotalSeconds, new KeyValuePair<string, object?>("partuploader.outcome", outcome));
        }
    }
}
