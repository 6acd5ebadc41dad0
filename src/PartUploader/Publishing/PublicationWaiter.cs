using System.Globalization;
using PartUploader.Internal.Protocol.Publishing;

namespace PartUploader.Internal.Publishing;

/// <summary>
/// Reads a submitted publication until it ends: 1 s doubling to 30 s between reads, bounded by a timeout
/// (P24), cancellable. Only <c>succeeded</c> returns; every other end is a typed error naming the publication.
/// </summary>
internal sealed class PublicationWaiter(PublishingServices services)
{
    public async Task<PublicationInfo> WaitAsync(string publicationId, PublicationWaitOptions options, CancellationToken cancellationToken)
    {
        ServiceEndpoint endpoint = await services.PublishAsync(cancellationToken).ConfigureAwait(false);
        DateTimeOffset deadline = services.Clock.GetUtcNow() + options.Timeout;
        TimeSpan pause = options.PollInterval;
        while (true)
        {
            PublicationInfo? info;
            try
            {
                info = await GetAsync(endpoint, publicationId, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
            {
                throw Stopped(publicationId, ex);
            }
            catch (PublicationException ex) when (ex.Status == 404)
            {
                // P13 alternative: a service that forgets ended publications.
                throw PublishingErrors.Ended(PartUploadErrorCodes.PublicationNotFound, "The service no longer knows the publication (404): it was cancelled or expired", publicationId, null, null);
            }
            catch (PartUploadException ex) when (ex is not PartUploadAuthenticationException && IsPassing(ex))
            {
                // The read failed after its own retries (network, timeout, 5xx): the publication goes on; read it again
                // until the deadline rather than give up a wait of hours on one outage.
                PublishingLog.WaitReadFailed(services.Logger, ex, publicationId);
                info = null;
            }

            if (info is not null)
            {
                options.Progress?.Report(info);
                switch (info.State)
                {
                    case PublicationState.Succeeded:
                        return info;
                    case PublicationState.Submitted:
                        break;
                    default:
                        throw EndedOtherwise(info);
                }
            }

            DateTimeOffset now = services.Clock.GetUtcNow();
            if (now >= deadline)
            {
                throw PublishingErrors.Ended(
                    PartUploadErrorCodes.PublicationTimeout,
                    string.Create(CultureInfo.InvariantCulture, $"The publication did not finish within {options.Timeout}; it goes on on the server: wait for it again with its id"),
                    publicationId,
                    info?.RawState,
                    info?.Message);
            }

            TimeSpan wait = deadline - now < pause ? deadline - now : pause;
            try
            {
                await Task.Delay(wait, services.Clock, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
            {
                throw Stopped(publicationId, ex);
            }

            pause = pause * 2 > options.MaxPollInterval ? options.MaxPollInterval : pause * 2;
        }
    }

    /// <summary>Whether a wait error means the publication ended (so a journal of it has nothing left to resume).</summary>
    public static bool IsFinal(string? errorCode) => errorCode is PartUploadErrorCodes.PublicationFailed or PartUploadErrorCodes.PublicationCancelled
        or PartUploadErrorCodes.PublicationExpired or PartUploadErrorCodes.PublicationNotFound or PartUploadErrorCodes.PublicationStateUnknown;

    private static bool IsPassing(PartUploadException error) =>
        error.ErrorCode != PartUploadErrorCodes.MalformedResponse && (error.Status == 0 || Protocol.ServiceError.IsTransientStatus(error.Status));

    public async Task<PublicationInfo> GetAsync(ServiceEndpoint endpoint, string publicationId, CancellationToken cancellationToken)
    {
        PublicationWire wire = await services.Runner.ExecuteAsync(
            PublishingProtocol.OpGet,
            token => services.Protocol.GetAsync(endpoint, publicationId, services.BillingTag, token),
            cancellationToken).ConfigureAwait(false);
        return ToInfo(wire);
    }

    public static PublicationInfo ToInfo(PublicationWire wire)
    {
        string raw = wire.Details?.State ?? string.Empty;
        return new PublicationInfo
        {
            Id = wire.Id!,
            RawState = raw,
            State = raw switch
            {
                "initialized" => PublicationState.Initialized,
                "submitted" => PublicationState.Submitted,
                "succeeded" => PublicationState.Succeeded,
                "failed" => PublicationState.Failed,
                "cancelled" => PublicationState.Cancelled,
                "expired" => PublicationState.Expired,
                _ => PublicationState.Unknown,
            },
            Message = Protocol.ServiceError.Sanitize(wire.Details?.Message),
            BaseVersion = wire.CatalogVersion,
            LayerIds = wire.LayerIds ?? [],
            Started = Time(wire.Details?.Started),
            Modified = Time(wire.Details?.Modified),
            Expires = Time(wire.Details?.Expires),
        };
    }

    /// <summary>The typed error of a publication that ended (or stands) in another state than succeeded.</summary>
    public static PublicationException EndedOtherwise(PublicationInfo info) => info.State switch
    {
        PublicationState.Failed => PublishingErrors.Ended(PartUploadErrorCodes.PublicationFailed, "The publication failed", info.Id, info.RawState, info.Message),
        PublicationState.Cancelled => PublishingErrors.Ended(PartUploadErrorCodes.PublicationCancelled, "The publication was cancelled (by a client, or by a newer publication of the catalog)", info.Id, info.RawState, info.Message),
        PublicationState.Expired => PublishingErrors.Ended(PartUploadErrorCodes.PublicationExpired, "The publication expired while idle", info.Id, info.RawState, info.Message),
        PublicationState.Initialized => PublishingErrors.Ended(PartUploadErrorCodes.PublicationNotSubmitted, "The publication has not been submitted", info.Id, info.RawState, info.Message),
        _ => PublishingErrors.Ended(PartUploadErrorCodes.PublicationStateUnknown, "The service reported a publication state this client does not know", info.Id, info.RawState, info.Message),
    };

    private static PublicationWaitCanceledException Stopped(string publicationId, OperationCanceledException cause) =>
        new($"Stopped waiting for publication {publicationId}; it goes on on the server.", cause) { PublicationId = publicationId };

    private static DateTimeOffset? Time(long? epochMs) => epochMs is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
}
