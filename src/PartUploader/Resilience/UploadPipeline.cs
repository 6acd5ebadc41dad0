using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using PartUploader.Internal.Diagnostics;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace PartUploader.Internal.Resilience;

/// <summary>
/// The one Polly v8 pipeline of a client: retry (transient failures only, exponential backoff with
/// jitter, Retry-After honoured, a retry budget per upload), then a timeout per attempt.
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

    public static ResiliencePipeline Create(PartRetryOptions options, TimeProvider timeProvider, ILogger logger)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider, Name = "PartUploader" };
        Configure(builder, options, logger);
        return builder.Build();
    }

    /// <summary>Adds the strategies, in order: retry, then the attempt timeout.</summary>
    public static void Configure(ResiliencePipelineBuilder builder, PartRetryOptions options, ILogger logger)
    {
        if (options.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                ShouldHandle = args => ValueTask.FromResult(
                    IsTransient(args.Outcome.Exception, args.Context)
                    && (!args.Context.Properties.TryGetValue(BudgetKey, out RetryBudget? budget) || budget.TryConsume())),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(
                    args.Outcome.Exception is AttemptFailedException { Error.RetryAfter: TimeSpan retryAfter }
                        ? (retryAfter > options.MaxRetryAfter ? options.MaxRetryAfter : retryAfter)
                        : null),
                OnRetry = args =>
                {
                    string operation = args.Context.Properties.GetValue(OperationKey, "Call");
                    int status = args.Outcome.Exception is AttemptFailedException failed ? failed.Error.Status : 0;
                    Log.RetryScheduled(logger, operation, args.AttemptNumber + 1, status, (long)args.RetryDelay.TotalMilliseconds);
                    return default;
                },
            });
        }

        builder.AddTimeout(new TimeoutStrategyOptions { Timeout = options.AttemptTimeout });
    }

    /// <summary>True for failures worth another attempt: transient answers, network errors, attempt timeouts; never the caller's cancellation.</summary>
    public static bool IsTransient(Exception? exception, ResilienceContext context)
    {
        if (exception is null || context.CancellationToken.IsCancellationRequested)
        {
            return false;
        }

        return exception switch
        {
            AttemptFailedException => true,
            TimeoutRejectedException => true,
            HttpRequestException => true,
            IOException => true,
            SocketException => true,
            OperationCanceledException => false,
            _ => false,
        };
    }
}
