using Microsoft.Extensions.Logging.Abstractions;
using PartUploader.Internal.Protocol;
using PartUploader.Internal.Resilience;

namespace PartUploader.Tests.Resilience;

/// <summary>Retries are decided on the attempt's result (a transient answer returned, not thrown), and what ran out becomes the typed error.</summary>
public sealed class OperationRunnerTests
{
    private static OperationRunner Runner(int maxAttempts)
    {
        var options = new RetryOptions { MaxAttempts = maxAttempts, BaseDelay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero };
        return new OperationRunner(UploadPipeline.Create(options, TimeProvider.System, NullLogger.Instance), options.AttemptTimeout, new RetryBudget(50));
    }

    [Fact]
    public async Task ATransientResult_IsRetried_UntilAnAttemptSucceeds()
    {
        int calls = 0;

        string value = await Runner(maxAttempts: 4).RunAsync(
            "UploadPart",
            _ => Task.FromResult(++calls < 3 ? Attempt<string>.Retry(new ServiceError(503, "busy", null, null, null), calls) : Attempt<string>.Done("etag")),
            CancellationToken.None);

        value.ShouldBe("etag");
        calls.ShouldBe(3);
    }

    [Fact]
    public async Task WhenRetriesRunOut_TheLastTransientResult_IsTheError()
    {
        int calls = 0;

        PartUploadException error = await Should.ThrowAsync<PartUploadException>(() => Runner(maxAttempts: 2).RunAsync(
            "UploadPart",
            _ => Task.FromResult(Attempt<int>.Retry(new ServiceError(500, "E_INTERNAL", "boom", "corr-1", null), 10 + ++calls)),
            CancellationToken.None));

        calls.ShouldBe(2);
        error.Status.ShouldBe(500);
        error.ErrorCode.ShouldBe("E_INTERNAL");
        error.CorrelationId.ShouldBe("corr-1");
        error.PartNumber.ShouldBe(12, "the part number of the last attempt");
        error.Operation.ShouldBe("UploadPart");
    }

    [Fact]
    public async Task ATransientAnswerThrownInsideAResultAttempt_IsRetriedToo()
    {
        int calls = 0;

        // A part attempt returns its own answers, but the token source giving up with a 503 while the request is
        // authorized throws: that is as transient as a 503 from the blob service.
        bool done = await Runner(maxAttempts: 3).RunAsync(
            "UploadPart",
            _ => ++calls == 1 ? throw new PartUploadException("token: 503") { Status = 503 } : Task.FromResult(Attempt<bool>.Done(true)),
            CancellationToken.None);

        done.ShouldBeTrue();
        calls.ShouldBe(2);
    }

    [Fact]
    public async Task ANonTransientException_IsNotRetried()
    {
        int calls = 0;

        await Should.ThrowAsync<InvalidOperationException>(() => Runner(maxAttempts: 5).RunAsync<int>(
            "UploadPart",
            _ =>
            {
                calls++;
                throw new InvalidOperationException("a bug, not a transient answer");
            },
            CancellationToken.None));

        calls.ShouldBe(1);
    }

    [Fact]
    public async Task ANetworkFailure_IsRetried_AndBecomesANetworkError()
    {
        int calls = 0;

        PartUploadException error = await Should.ThrowAsync<PartUploadException>(() => Runner(maxAttempts: 3).RunAsync<int>(
            "GetStatus",
            _ =>
            {
                calls++;
                throw new HttpRequestException("connection reset");
            },
            CancellationToken.None));

        calls.ShouldBe(3);
        error.ErrorCode.ShouldBe(PartUploadErrorCodes.NetworkError);
    }
}
