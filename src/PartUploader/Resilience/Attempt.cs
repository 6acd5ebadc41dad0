using PartUploader.Internal.Protocol;

namespace PartUploader.Internal.Resilience;

/// <summary>What one attempt of an operation ended with, as the retry strategy sees it: a transient failure or not.</summary>
/// <remarks>
/// Retries are decided on this result (Polly's <c>ShouldHandle</c> on <see cref="Polly.Outcome{TResult}"/>, as
/// Microsoft.Extensions.Http.Resilience decides on a response): an attempt that got a transient answer returns it,
/// it does not throw to steer the pipeline. Exceptions are left for what has no answer: network failures and timeouts.
/// </remarks>
internal interface IAttemptOutcome
{
    /// <summary>Gets the transient answer worth another attempt, or null when the attempt succeeded.</summary>
    ServiceError? Failure { get; }
}

/// <summary>The result of one attempt: its value, or a transient failure the pipeline may retry.</summary>
/// <typeparam name="T">The value a successful attempt returns.</typeparam>
internal sealed class Attempt<T> : IAttemptOutcome
{
    private readonly T? _value;

    private Attempt(T? value, ServiceError? failure, int? partNumber)
    {
        _value = value;
        Failure = failure;
        PartNumber = partNumber;
    }

    /// <inheritdoc/>
    public ServiceError? Failure { get; }

    /// <summary>Gets the part number the failed attempt used, if it was a part upload.</summary>
    public int? PartNumber { get; }

    /// <summary>Gets the value of a successful attempt.</summary>
    public T Value => Failure is null ? _value! : throw new InvalidOperationException("A failed attempt has no value.");

    /// <summary>A successful attempt.</summary>
    public static Attempt<T> Done(T value) => new(value, null, null);

    /// <summary>An attempt that got a transient answer: another attempt may succeed.</summary>
    public static Attempt<T> Retry(ServiceError failure, int? partNumber = null) => new(default, failure, partNumber);
}
