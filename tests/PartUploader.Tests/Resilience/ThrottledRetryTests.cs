using Microsoft.Extensions.Logging.Abstractions;
using PartUploader.Internal.Resilience;

namespace PartUploader.Tests.Resilience;

/// <summary>
/// Throttled answers (429, or 503 with Retry-After) are budgeted apart from failures: they spend neither
/// <see cref="RetryOptions.MaxAttempts"/> nor the upload's <see cref="RetryOptions.RetryBudget"/>, only
/// <see cref="RetryOptions.MaxThrottledAttempts"/>, which still ends them.
/// </summary>
public sealed class ThrottledRetryTests
{
    private static OperationRunner Runner(int maxAttempts, int maxThrottled, int budget)
    {
        var options = new RetryOptions
        {
            MaxAttempts = maxAttempts,
            MaxThrottledAttempts = maxThrottled,
            RetryBudget = budget,
            BaseDelay = TimeSpan.Zero,
            MaxDelay = TimeSpan.Zero,
        };
        return new OperationRunner(UploadPipeline.Create(options, TimeProvider.System, NullLogger.Instance), options.AttemptTimeout, new RetryBudget(budget));
    }

    private static PartUploadException Answer(int status, TimeSpan? retryAfter) => new($"status {status}") { Status = status, RetryAfter = retryAfter };

    [Theory]
    [InlineData(429, null)]
    [InlineData(429, 0)]
    [InlineData(503, 0)]
    public async Task ThrottledAnswers_DoNotSpendMaxAttemptsOrTheBudget(int status, int? retryAfterSeconds)
    {
        TimeSpan? retryAfter = retryAfterSeconds is int s ? TimeSpan.FromSeconds(s) : null;
        if (status == 503)
        {
            // A 503 is throttled only with Retry-After; 0 s keeps the test fast.
            retryAfter.ShouldNotBeNull();
        }

        OperationRunner runner = Runner(maxAttempts: 2, maxThrottled: 20, budget: 0);
        int calls = 0;

        int result = await runner.ExecuteAsync("UploadPart", _ => ++calls <= 5 ? throw Answer(status, retryAfter) : Task.FromResult(42), CancellationToken.None);

        result.ShouldBe(42);
        calls.ShouldBe(6, "five throttled answers, then the sixth attempt succeeds although MaxAttempts is 2 and the budget 0");
    }

    [Fact]
    public async Task ThrottledAnswers_EndAtMaxThrottledAttempts()
    {
        OperationRunner runner = Runner(maxAttempts: 5, maxThrottled: 3, budget: 50);
        int calls = 0;

        PartUploadException error = await Should.ThrowAsync<PartUploadException>(
            () => runner.ExecuteAsync<int>("UploadPart", _ => { calls++; throw Answer(429, TimeSpan.Zero); }, CancellationToken.None));

        calls.ShouldBe(4, "the first attempt and 3 throttled retries");
        error.Status.ShouldBe(429);
    }

    [Fact]
    public async Task Failures_StillSpendMaxAttempts_AfterThrottledAnswers()
    {
        OperationRunner runner = Runner(maxAttempts: 2, maxThrottled: 20, budget: 50);
        int calls = 0;

        // Three throttled answers, then 500s (a fault): one ordinary retry only.
        PartUploadException error = await Should.ThrowAsync<PartUploadException>(
            () => runner.ExecuteAsync<int>("UploadPart", _ => throw (++calls <= 3 ? Answer(429, TimeSpan.Zero) : Answer(500, null)), CancellationToken.None));

        calls.ShouldBe(5);
        error.Status.ShouldBe(500);
    }

    [Fact]
    public async Task A503WithoutRetryAfter_IsAFailure_NotThrottled()
    {
        OperationRunner runner = Runner(maxAttempts: 2, maxThrottled: 20, budget: 50);
        int calls = 0;

        await Should.ThrowAsync<PartUploadException>(
            () => runner.ExecuteAsync<int>("UploadPart", _ => { calls++; throw Answer(503, null); }, CancellationToken.None));

        calls.ShouldBe(2);
    }

    [Fact]
    public void MaxThrottledAttempts_OutOfRange_IsRefused()
    {
        var options = new PartUploadClientOptions { BaseUrl = new Uri("https://blob.example/blobstore/v1/catalogs/c") };
        options.Retry.MaxThrottledAttempts = -1;

        using var http = new HttpClient();
        Should.Throw<Microsoft.Extensions.Options.OptionsValidationException>(() => new PartUploadClient(http, options, AccessTokenSource.FromToken("t"), logger: null))
            .Message.ShouldContain("MaxThrottledAttempts");
    }
}
