using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using PartUploader.Internal.Diagnostics;
using PartUploader.Internal.Protocol;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace PartUploader.Internal.Resilience;

/// <summary>
/// The one Polly v8 pipeline of a client: retry (transient failures only, exponential backoff with
/// jitter, Retry-After honoured, a retry budget per upload; throttled answers bounded apart), then a timeout per attempt.
/// </summary>
/// <remarks>
/// The pipeline owns all timing. It retries the attempt callback, never an HTTP request: a part's
/// callback takes a fresh part number each time it runs.
/// </remarks>
internal static class UploadPipeline
{
    public static readonly ResiliencePropertyKey<RetryBudget> BudgetKey = new("PartUploader.RetryBudget");
    public static readonly ResiliencePropertyKey<string> OperationKey = new("PartUploader.Operation");
    public static readonly ResiliencePropertyKey<CancellationToken> CallerTokenKey = new("PartUploader.CallerToken");
    private static readonly ResiliencePropertyKey<RetryCounts> CountsKey = new("PartUploader.RetryCounts");

    public static ResiliencePipeline Create(RetryOptions options, TimeProvider timeProvider, ILogger logger)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider, Name = "PartUploader" };
        Configure(builder, options, logger);
        return builder.Build();
    }

    /// <summary>Adds the strategies, in order: retry, then the attempt timeout.</summary>
    public static void Configure(ResiliencePipelineBuilder builder, RetryOptions options, ILogger logger)
    {
        // Throttled answers (429, or 503 with Retry-After) are budgeted apart from failures: they spend neither
        // MaxAttempts nor the upload's RetryBudget, only their own bound (MaxThrottledAttempts per call).
        int failureRetries = options.MaxAttempts - 1;
        int throttledRetries = options.MaxThrottledAttempts;
        if (failureRetries + throttledRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = failureRetries + throttledRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context, failureRetries, throttledRetries)),
                DelayGenerator = args => ValueTask.FromResult(DelayOf(FailureOf(args.Outcome), args.Context, options)),
                OnRetry = args =>
                {
                    string operation = args.Context.Properties.GetValue(OperationKey, "Call");
                    int status = FailureOf(args.Outcome)?.Status ?? 0;
                    Log.RetryScheduled(logger, operation, args.AttemptNumber + 1, status, (long)args.RetryDelay.TotalMilliseconds);
                    return default;
                },
            });
        }

        builder.AddTimeout(new TimeoutStrategyOptions { Timeout = options.AttemptTimeout });
    }

    /// <summary>True for an answer that asks the client to slow down rather than reports a fault: 429, or 503 with <c>Retry-After</c>.</summary>
    public static bool IsThrottled(ServiceError? failure) =>
        failure is { Status: 429 } or { Status: 503, RetryAfter: not null };

    /// <summary>The transient answer an attempt returned (its result, see <see cref="IAttemptOutcome"/>), or null.</summary>
    public static ServiceError? FailureOf(Outcome<object> outcome) =>
        outcome.Result is IAttemptOutcome { Failure: { } failure } ? failure : null;

    /// <summary>Whether to retry: a throttled answer within its own bound; any other transient failure within MaxAttempts and the budget.</summary>
    private static bool ShouldRetry(Outcome<object> outcome, ResilienceContext context, int failureRetries, int throttledRetries)
    {
        if (!IsTransient(outcome, context))
        {
            return false;
        }

        RetryCounts counts = CountsOf(context);
        if (IsThrottled(FailureOf(outcome)))
        {
            if (counts.Throttled >= throttledRetries)
            {
                return false;
            }

            counts.Throttled++;
            return true;
        }

        if (counts.Failures >= failureRetries
            || (context.Properties.TryGetValue(BudgetKey, out RetryBudget? budget) && !budget.TryConsume()))
        {
            return false;
        }

        counts.Failures++;
        return true;
    }

    /// <summary>
    /// The delay before a retry: the answer's <c>Retry-After</c> (capped); else, once a throttled answer was retried, an
    /// exponential backoff on this kind's own count (so throttled retries do not inflate a failure's backoff); else Polly's.
    /// </summary>
    private static TimeSpan? DelayOf(ServiceError? failure, ResilienceContext context, RetryOptions options)
    {
        if (failure is { WindowWaits: true })
        {
            // The request window took this answer as its shared cooldown: the retry waits there, once, not here as well.
            return TimeSpan.Zero;
        }

        if (failure is { RetryAfter: TimeSpan retryAfter })
        {
            return retryAfter > options.MaxRetryAfter ? options.MaxRetryAfter : retryAfter;
        }

        RetryCounts counts = CountsOf(context);
        if (counts.Throttled == 0)
        {
            return null;
        }

        int exponent = Math.Clamp((IsThrottled(failure) ? counts.Throttled : counts.Failures) - 1, 0, 30);
        double seconds = options.BaseDelay.TotalSeconds * Math.Pow(2, exponent) * (0.5 + Random.Shared.NextDouble());
        return seconds >= options.MaxDelay.TotalSeconds ? options.MaxDelay : TimeSpan.FromSeconds(seconds);
    }

    private static RetryCounts CountsOf(ResilienceContext context)
    {
        if (!context.Properties.TryGetValue(CountsKey, out RetryCounts? counts))
        {
            counts = new RetryCounts();
            context.Properties.Set(CountsKey, counts);
        }

        return counts;
    }

    /// <summary>
    /// True for outcomes worth another attempt: a transient answer the attempt returned, a network error, an attempt
    /// timeout; never the caller's cancellation.
    /// </summary>
    public static bool IsTransient(Outcome<object> outcome, ResilienceContext context)
    {
        if (context.CancellationToken.IsCancellationRequested)
        {
            return false;
        }

        if (FailureOf(outcome) is not null)
        {
            return true;
        }

        return outcome.Exception switch
        {
            null => false,
            // A refused TLS handshake (an untrusted or invalid certificate) fails the same way every time: not retried.
            HttpRequestException { InnerException: System.Security.Authentication.AuthenticationException } => false,
            TimeoutRejectedException => true,
            HttpRequestException => true,
            IOException => true,
            SocketException => true,
            OperationCanceledException => false,
            _ => false,
        };
    }
}

/// <summary>The retries one call has spent so far: ordinary failures and throttled answers, counted apart.</summary>
internal sealed class RetryCounts
{
    public int Failures { get; set; }

    public int Throttled { get; set; }
}
