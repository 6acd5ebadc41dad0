using System.Globalization;

namespace PartUploader.Internal.Transfer;

/// <summary>
/// The overall time limit of one upload or batch (<see cref="PartUploadOptions.TimeLimit"/>, <see cref="BatchUploadOptions.TimeLimit"/>):
/// a token that the caller's token or the limit's timer cancels, and a record of which came first, so that a passed
/// limit surfaces as a failure (<see cref="PartUploadErrorCodes.TimeLimitExceeded"/>) and the caller's own cancellation
/// stays an <see cref="OperationCanceledException"/>.
/// </summary>
/// <remarks>The timer runs on the client's <see cref="TimeProvider"/>.</remarks>
internal sealed class UploadTimeLimit : IDisposable
{
    /// <summary>The operation name of a time-limit error: the whole upload, not one call.</summary>
    public const string Operation = "Upload";

    private readonly CancellationTokenSource _linked;
    private readonly CancellationToken _caller;
    private readonly ITimer _timer;
    private int _exceeded;

    private UploadTimeLimit(TimeSpan limit, string optionName, TimeProvider time, CancellationToken caller)
    {
        Limit = limit;
        OptionName = optionName;
        _caller = caller;
        _linked = CancellationTokenSource.CreateLinkedTokenSource(caller);
        _timer = time.CreateTimer(static state => ((UploadTimeLimit)state!).Fire(), this, limit, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Gets the limit.</summary>
    public TimeSpan Limit { get; }

    /// <summary>Gets the name of the option that set it, for messages.</summary>
    public string OptionName { get; }

    /// <summary>Gets the token of the work the limit bounds: cancelled by the caller or when the limit passes.</summary>
    public CancellationToken Token => _linked.Token;

    /// <summary>Gets a value indicating whether the limit passed before the caller cancelled.</summary>
    public bool Exceeded => Volatile.Read(ref _exceeded) == 1;

    /// <summary>Starts the clock now; null when there is no limit.</summary>
    public static UploadTimeLimit? StartOrNull(TimeSpan? limit, string optionName, TimeProvider time, CancellationToken caller) =>
        limit is TimeSpan value ? new UploadTimeLimit(value, optionName, time, caller) : null;

    /// <summary>The limit as messages give it: <c>90 s</c>, <c>0.25 s</c>.</summary>
    public static string Format(TimeSpan limit) => limit.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";

    /// <summary>
    /// The error of one upload the limit stopped, from the cancellation it ended with: the message states the limit and
    /// what was left on the server, and the <see cref="PartUploadExceptionData"/> entries are carried over.
    /// </summary>
    public PartUploadException CreateException(string dataHandle, Exception stopped)
    {
        string? uploadId = stopped.Data[PartUploadExceptionData.UploadId] as string;
        string server = (stopped.Data[PartUploadExceptionData.CancelledOnServer] as bool?, stopped.Data[PartUploadExceptionData.BlobStored] is true) switch
        {
            (_, true) => "the multipart upload had completed before it stopped: the blob is stored under the data handle",
            (true, _) => "the multipart upload was cancelled on the server; no blob is stored",
            (false, _) => $"the multipart upload could NOT be cancelled on the server ({stopped.Data[PartUploadExceptionData.CancelError] as string ?? "no reason given"}); it stays open until the service expires it",
            _ => "no multipart upload had been started; a single PUT in flight may still have stored the blob (the service may have taken it before the answer was lost): check with ExistsAsync before using the data handle again",
        };
        string summary = $"The upload did not finish within its time limit of {Format(Limit)} ({OptionName}); {server}";
        PartUploadException exception = ErrorFactory.Create(
            new ErrorFacts(summary, Operation, PartUploadErrorCodes.TimeLimitExceeded) { DataHandle = dataHandle, UploadId = uploadId, Inner = stopped });
        PartUploadExceptionData.CopyTo(stopped, exception);
        return exception;
    }

    public void Dispose()
    {
        _timer.Dispose();
        _linked.Dispose();
    }

    private void Fire()
    {
        if (_caller.IsCancellationRequested)
        {
            // The caller cancelled first: that stays a cancellation.
            return;
        }

        Interlocked.Exchange(ref _exceeded, 1);
        try
        {
            _linked.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The work ended as the timer fired.
        }
    }
}
