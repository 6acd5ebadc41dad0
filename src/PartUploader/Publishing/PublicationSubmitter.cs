using PartUploader.Internal.Protocol;
using PartUploader.Internal.Protocol.Publishing;

namespace PartUploader.Internal.Publishing;

/// <summary>
/// Submits a publication exactly once and cancels one that failed before submit. Submit is not idempotent (P9): a
/// PUT whose outcome is unknown (no answer, a timeout, a transient status, a refusal of a repeated PUT, the caller's
/// cancellation) is settled by reading the publication's state with a token of its own, never by a blind second PUT.
/// </summary>
internal sealed class PublicationSubmitter(PublishingServices services, PublicationWaiter waiter, TimeSpan cancelTimeout)
{
    private const int MaxSubmitAttempts = 4;

    /// <summary>Submits; returns once the publication is submitted (or already succeeded).</summary>
    /// <exception cref="PublicationException">The service refused the first PUT, the publication ended otherwise, it stayed initialized after every attempt, or the outcome could not be read (<see cref="PartUploadErrorCodes.SubmitOutcomeUnknown"/>).</exception>
    /// <exception cref="PublicationWaitCanceledException">The caller cancelled, but the submit had taken effect: the publication goes on.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled before the submit took effect; the publication is still initialized.</exception>
    public async Task SubmitAsync(ServiceEndpoint endpoint, string publicationId, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            Exception unknown;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(services.AttemptTimeout);
                await services.Protocol.SubmitAsync(endpoint, publicationId, services.BillingTag, timeout.Token).ConfigureAwait(false);
                PublishingLog.Submitted(services.Logger, publicationId);
                return;
            }
            catch (PublicationException ex) when (attempt == 1 && !ServiceError.IsTransientStatus(ex.Status) && ex.Status != 0)
            {
                throw; // a definite refusal of the only PUT sent (for example 409 in the wrong state): nothing took effect
            }
            catch (Exception ex) when (ex is PartUploadException or HttpRequestException or IOException or OperationCanceledException)
            {
                unknown = ex;
            }

            PublicationInfo info = await ReadStateAsync(endpoint, publicationId, unknown).ConfigureAwait(false);
            switch (info.State)
            {
                case PublicationState.Submitted or PublicationState.Succeeded:
                    PublishingLog.Submitted(services.Logger, publicationId);
                    if (cancellationToken.IsCancellationRequested)
                    {
                        throw new PublicationWaitCanceledException($"Stopped after publication {publicationId} was submitted; it goes on on the server.", unknown) { PublicationId = publicationId };
                    }

                    return;
                case PublicationState.Initialized:
                    cancellationToken.ThrowIfCancellationRequested();
                    if (attempt >= MaxSubmitAttempts)
                    {
                        throw unknown as PublicationException ?? PublishingErrors.Ended(
                            (unknown as PartUploadException)?.ErrorCode ?? PartUploadErrorCodes.NetworkError,
                            "The publication could not be submitted: every attempt failed and it is still initialized",
                            publicationId,
                            info.RawState,
                            unknown.Message,
                            PublishingProtocol.OpSubmit);
                    }

                    TimeSpan pause = (unknown as PartUploadException)?.RetryAfter ?? TimeSpan.FromMilliseconds(250 << attempt);
                    await Task.Delay(pause, services.Clock, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    throw PublicationWaiter.EndedOtherwise(info);
            }
        }
    }

    /// <summary>Cancels with a token of its own (the caller's may be cancelled); true when the service cancelled it.</summary>
    public async Task<bool> TryCancelAsync(ServiceEndpoint endpoint, string publicationId)
    {
        using var timeout = new CancellationTokenSource(cancelTimeout, services.Clock);
        try
        {
            await services.Runner.ExecuteAsync(
                PublishingProtocol.OpCancel,
                token => services.Protocol.CancelAsync(endpoint, publicationId, services.BillingTag, token),
                timeout.Token).ConfigureAwait(false);
            PublishingLog.Cancelled(services.Logger, publicationId);
            return true;
        }
        catch (Exception ex) when (ex is PartUploadException or OperationCanceledException)
        {
            PublishingLog.CancelFailed(services.Logger, ex, publicationId);
            return false;
        }
    }

    /// <summary>The publication's state after a PUT of unknown outcome, read with a token of its own.</summary>
    private async Task<PublicationInfo> ReadStateAsync(ServiceEndpoint endpoint, string publicationId, Exception cause)
    {
        using var timeout = new CancellationTokenSource(cancelTimeout, services.Clock);
        try
        {
            return await waiter.GetAsync(endpoint, publicationId, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is PartUploadException or OperationCanceledException)
        {
            throw new PublicationException(
                PartUploadException.FormatMessage(
                    $"Whether the publication was submitted is unknown: the submit had no clear answer ({ServiceError.Sanitize(cause.Message)}) and its state could not be read; check it with GetAsync; PublicationId: {publicationId}",
                    PublishingProtocol.OpSubmit,
                    0,
                    PartUploadErrorCodes.SubmitOutcomeUnknown),
                ex)
            {
                ErrorCode = PartUploadErrorCodes.SubmitOutcomeUnknown,
                Operation = PublishingProtocol.OpSubmit,
                PublicationId = publicationId,
            };
        }
    }
}
