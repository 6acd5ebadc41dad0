using Microsoft.Extensions.Logging;
using PartUploader.Internal.Protocol;
using PartUploader.Internal.Resilience;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace PartUploader.Internal.Auth;

/// <summary>
/// The Polly pipeline of a <see cref="HereTokenSource"/>: retry of transient failures (5xx, 408, 429, network,
/// timeouts) with exponential back-off from <see cref="HereTokenSourceOptions.RetryDelay"/>, no jitter, a
/// <c>Retry-After</c> longer than the back-off honoured up to one minute; then a timeout per attempt
/// (<see cref="HereTokenSourceOptions.RequestTimeout"/>).
/// </summary>
internal static class TokenPipeline
{
    /// <summary>The longest <c>Retry-After</c> the token source waits.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromMinutes(1);

    public static ResiliencePipeline Create(int maxRetries, TimeSpan retryDelay, TimeSpan requestTimeout, TimeProvider timeProvider, ILogger logger)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider, Name = "PartUploader.Token" };
        if (maxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = maxRetries,
                BackoffType = DelayBackoffType.Constant,
                UseJitter = false,
                Delay = retryDelay,
                ShouldHandle = args => ValueTask.FromResult(UploadPipeline.IsTransient(args.Outcome, args.Context)),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(Delay(retryDelay, args.AttemptNumber, UploadPipeline.FailureOf(args.Outcome))),
                OnRetry = args =>
                {
                    int status = UploadPipeline.FailureOf(args.Outcome)?.Status ?? 0;
                    AuthLog.TokenRetry(logger, status, args.AttemptNumber + 1, (long)args.RetryDelay.TotalMilliseconds);
                    return default;
                },
            });
        }

        builder.AddTimeout(new TimeoutStrategyOptions { Timeout = requestTimeout });
        return builder.Build();
    }

    /// <summary>The wait before retry <paramref name="attemptNumber"/> (0 for the first): <c>retryDelay × 2^n</c>, or a longer Retry-After up to a minute.</summary>
    internal static TimeSpan Delay(TimeSpan retryDelay, int attemptNumber, ServiceError? failure)
    {
        TimeSpan delay = retryDelay * Math.Pow(2, attemptNumber);
        if (failure is { RetryAfter: TimeSpan retryAfter } && retryAfter > delay)
        {
            delay = retryAfter > MaxRetryAfter ? MaxRetryAfter : retryAfter;
        }

        return delay;
    }
}
