using System.Globalization;
using PartUploader.Internal.Protocol;
using Polly;
using Polly.Timeout;

namespace PartUploader.Internal.Resilience;

/// <summary>Builds the error of an operation from its non-secret facts (message and properties from the same facts).</summary>
internal delegate PartUploadException OperationErrorFactory(
    string summary, string operation, string? code, int status, int? partNumber, ServiceError? service, Exception? inner);

/// <summary>
/// Runs one operation through a client's Polly pipeline: a transient answer is the attempt's result, on which the
/// retry strategy decides (<see cref="IAttemptOutcome"/>), each attempt is bounded by the pipeline's attempt timeout,
/// and whatever escapes (retries ran out, the attempt timeout, a network error) becomes a
/// <see cref="PartUploadException"/>. No Polly exception escapes; the caller's cancellation stays an
/// <see cref="OperationCanceledException"/>.
/// </summary>
/// <remarks>
/// The attempt callback must be safe to run again: it rebuilds its request each time (a part's
/// callback takes a fresh part number). A <see cref="PartUploadException"/> with a non-transient status
/// passes through unchanged.
/// </remarks>
internal sealed class OperationRunner
{
    private readonly ResiliencePipeline _pipeline;
    private readonly TimeSpan _attemptTimeout;
    private readonly RetryBudget? _budget;
    private readonly OperationErrorFactory _error;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="pipeline">The pipeline: retry (transient failures only), then the attempt timeout.</param>
    /// <param name="attemptTimeout">The pipeline's attempt timeout, for messages.</param>
    /// <param name="budget">The retries a whole upload may still spend, or null for none beyond the pipeline's own limit.</param>
    /// <param name="error">Builds the errors; null for <see cref="DefaultError"/> with no data handle.</param>
    public OperationRunner(ResiliencePipeline pipeline, TimeSpan attemptTimeout, RetryBudget? budget = null, OperationErrorFactory? error = null)
    {
        _pipeline = pipeline;
        _attemptTimeout = attemptTimeout;
        _budget = budget;
        _error = error ?? ((summary, operation, code, status, partNumber, service, inner) =>
            DefaultError(summary, operation, code, status, partNumber, service, inner, dataHandle: null));
    }

    /// <summary>Gets or sets the error code of a network failure once the retries ran out.</summary>
    /// <value>The default value is <see cref="PartUploadErrorCodes.NetworkError"/>.</value>
    public string NetworkErrorCode { get; init; } = PartUploadErrorCodes.NetworkError;

    /// <summary>Gets or sets the error code of an attempt timeout once the retries ran out.</summary>
    /// <value>The default value is <see cref="PartUploadErrorCodes.ClientTimeout"/>.</value>
    public string TimeoutErrorCode { get; init; } = PartUploadErrorCodes.ClientTimeout;

    /// <summary>An error of a call outside an upload: the message from <see cref="PartUploadException.FormatMessage"/>, the properties from the same facts.</summary>
    public static PartUploadException DefaultError(
        string summary, string operation, string? code, int status, int? partNumber, ServiceError? service, Exception? inner, string? dataHandle) =>
        ErrorFactory.Create(new ErrorFacts(summary, operation, code, status)
        {
            Title = service?.Title,
            CorrelationId = service?.CorrelationId,
            DataHandle = dataHandle,
            PartNumber = partNumber,
            Inner = inner,
        });

    /// <summary>Runs an operation with no result.</summary>
    public Task ExecuteAsync(string operation, Func<CancellationToken, Task> attempt, CancellationToken cancellationToken) =>
        ExecuteAsync(
            operation,
            async token =>
            {
                await attempt(token).ConfigureAwait(false);
                return true;
            },
            cancellationToken);

    /// <summary>Runs an operation and returns what its successful attempt returned.</summary>
    /// <remarks>For calls whose protocol method throws on a failed answer (see <see cref="RunAsync{T}"/> for how a thrown transient answer is retried).</remarks>
    public Task<T> ExecuteAsync<T>(string operation, Func<CancellationToken, Task<T>> attempt, CancellationToken cancellationToken) =>
        RunAsync(operation, async token => Attempt<T>.Done(await attempt(token).ConfigureAwait(false)), cancellationToken);

    /// <summary>
    /// Runs an operation whose attempt says itself whether it got a transient answer (<see cref="Attempt{T}.Retry"/>);
    /// when the retries allowed ran out on such an answer, its facts become the <see cref="PartUploadException"/>.
    /// </summary>
    /// <remarks>
    /// A <see cref="PartUploadException"/> with a transient status thrown from inside an attempt (a protocol method's
    /// failed answer, or the token source giving up with a 503 while the request was being authorized) becomes the
    /// attempt's transient result too, so that the retry decides on it, not on an exception.
    /// </remarks>
    public async Task<T> RunAsync<T>(string operation, Func<CancellationToken, Task<Attempt<T>>> attempt, CancellationToken cancellationToken)
    {
        ResilienceContext context = ResilienceContextPool.Shared.Get(operation, cancellationToken);
        if (_budget is not null)
        {
            context.Properties.Set(UploadPipeline.BudgetKey, _budget);
        }

        context.Properties.Set(UploadPipeline.OperationKey, operation);
        Attempt<T> outcome;
        try
        {
            outcome = await _pipeline.ExecuteAsync(
                static async (ctx, attempt) => await RunAttemptAsync(ctx, attempt).ConfigureAwait(false),
                context,
                attempt).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex)
        {
            throw _error($"{operation} timed out after {_attemptTimeout}", operation, TimeoutErrorCode, 0, null, null, new TimeoutException(ex.Message));
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            throw _error($"{operation} failed: the connection to the service failed", operation, NetworkErrorCode, 0, null, null, ex is HttpRequestException ? ex : new HttpRequestException(ex.Message));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        if (outcome.Failure is { } failure)
        {
            throw _error(
                string.Create(CultureInfo.InvariantCulture, $"{operation} kept failing; the retries allowed ran out"), operation, failure.Code, failure.Status, outcome.PartNumber, failure, null);
        }

        return outcome.Value;
    }

    private static async ValueTask<Attempt<T>> RunAttemptAsync<T>(ResilienceContext context, Func<CancellationToken, Task<Attempt<T>>> attempt)
    {
        try
        {
            return await attempt(context.CancellationToken).ConfigureAwait(false);
        }
        catch (PartUploadException ex) when (ServiceError.IsTransientStatus(ex.Status) && ex.ErrorCode != PartUploadErrorCodes.MalformedResponse)
        {
            // A transient answer to any call is retried like a part's (Retry-After honoured).
            return Attempt<T>.Retry(new ServiceError(ex.Status, ex.ErrorCode, ex.ErrorTitle, ex.CorrelationId, ex.RetryAfter, ex.WindowWaits), ex.PartNumber);
        }
        catch (OperationCanceledException ex) when (!context.CancellationToken.IsCancellationRequested)
        {
            // Neither the caller nor the attempt timeout cancelled: the transport's own timeout (HttpClient.Timeout) fired. Retried like an attempt timeout.
            throw new TimeoutRejectedException("The HTTP transport timed out", ex);
        }
    }
}
