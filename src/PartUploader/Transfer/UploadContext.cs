using Microsoft.Extensions.Logging;
using PartUploader.Internal.Diagnostics;
using PartUploader.Internal.Protocol;
using PartUploader.Internal.Resilience;
using Polly;

namespace PartUploader.Internal.Transfer;

/// <summary>
/// What every piece of one upload shares: the protocol, the retrying runner, the options, the endpoint, the request,
/// the error factory and the clock; plus sending a body under the stall watchdog.
/// </summary>
internal sealed class UploadContext
{
    public UploadContext(
        BlobProtocol protocol, ResiliencePipeline pipeline, PartUploadClientOptions options, ILogger logger, BlobEndpoint endpoint, UploadRequest request, Func<string?> uploadId)
    {
        Protocol = protocol;
        Options = options;
        Logger = logger;
        Endpoint = endpoint;
        PartEndpoint = endpoint.ForPartUploads();
        Request = request;
        Errors = new UploadErrors(request.DataHandle, uploadId);
        Runner = new OperationRunner(pipeline, options.Retry.AttemptTimeout, new RetryBudget(options.Retry.RetryBudget), Errors.Error);
    }

    public BlobProtocol Protocol { get; }

    /// <summary>Gets the runner of every call of this upload, with the upload's retry budget.</summary>
    public OperationRunner Runner { get; }

    public PartUploadClientOptions Options { get; }

    public ILogger Logger { get; }

    public TimeProvider Time => Protocol.TimeProvider;

    /// <summary>Gets the endpoint of every call but part uploads.</summary>
    public BlobEndpoint Endpoint { get; }

    /// <summary>Gets the endpoint of part uploads (no re-send on 401: a retry takes a fresh number).</summary>
    public BlobEndpoint PartEndpoint { get; }

    public UploadRequest Request { get; }

    /// <summary>Gets the one factory of this upload's errors.</summary>
    public UploadErrors Errors { get; }

    public string DataHandle => Request.DataHandle;

    public StallWatchdog NewWatchdog(CancellationToken attemptToken) =>
        new(Time, Options.Retry.StallTimeout, Options.Retry.FirstByteTimeout, attemptToken);

    /// <summary>Sends one body under its watchdog: an attempt the watchdog abandoned is retried like an attempt timeout.</summary>
    public async Task<PartAttemptResult> SendWatchedAsync(
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
            Log.AttemptStalled(Logger, operation, DataHandle, partNumber, reason);
            throw watchdog.ToException(operation, ex);
        }
    }
}
