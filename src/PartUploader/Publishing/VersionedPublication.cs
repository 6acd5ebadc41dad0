using PartUploader.Internal.Protocol;
using PartUploader.Internal.Protocol.Publishing;

namespace PartUploader.Internal.Publishing;

/// <summary>
/// Publishes items to a versioned layer: layer checks → initialize → upload and add partitions in batches →
/// submit (never twice) → wait for <c>succeeded</c> → read the metadata back. A failure before submit cancels
/// the publication on the server with a token of its own; one after submit names the publication.
/// </summary>
internal sealed class VersionedPublication(PublishingServices services, LayerConfigReader config, PublicationUploads uploads, TimeSpan cancelTimeout)
{
    private const int MaxSubmitAttempts = 4;

    private readonly PublicationWaiter _waiter = new(services);
    private readonly PublicationReader _reader = new(services);

    public async Task<PublicationResult> PublishAsync(IReadOnlyList<PublishItem> items, PublishOptions options, CancellationToken cancellationToken)
    {
        long started = services.Clock.GetTimestamp();
        (LayerSettings layer, string contentType) = await PrepareAsync(items, options, cancellationToken).ConfigureAwait(false);
        ServiceEndpoint endpoint = await services.PublishAsync(cancellationToken).ConfigureAwait(false);
        PublicationInfo publication = await InitializeAsync(endpoint, [layer.Id], cancellationToken).ConfigureAwait(false);
        string id = publication.Id;

        IReadOnlyList<PublishedPartition> partitions;
        long bytes;
        try
        {
            (partitions, bytes) = await uploads.AddAsync(endpoint, id, items, layer, contentType, options, cancellationToken).ConfigureAwait(false);
            await SubmitAsync(endpoint, id, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is PartUploadException or OperationCanceledException)
        {
            bool cancelled = await TryCancelAsync(endpoint, id).ConfigureAwait(false);
            if (ex is PartUploadException error)
            {
                throw PublishingErrors.WithPublication(error, id, cancelled);
            }

            ex.Data[PartUploadExceptionData.PublicationId] = id;
            ex.Data[PartUploadExceptionData.PublicationCancelledOnServer] = cancelled;
            throw;
        }

        if (!options.WaitForCompletion)
        {
            return Result(id, PublicationState.Submitted, null, partitions, bytes, verified: false, started);
        }

        options.Progress?.Report(new PublicationProgress { Stage = PublicationStage.Waiting, PublicationId = id, ItemsTotal = items.Count, ItemsUploaded = items.Count, PartitionsAdded = items.Count });
        await _waiter.WaitAsync(id, options.Wait, cancellationToken).ConfigureAwait(false);

        // One active versioned publication per catalog: it made the version after the one it was initialized over (P10).
        long version = (publication.BaseVersion ?? -1) + 1;
        bool verified = false;
        if (options.Verify)
        {
            options.Progress?.Report(new PublicationProgress { Stage = PublicationStage.Verifying, PublicationId = id, ItemsTotal = items.Count, ItemsUploaded = items.Count, PartitionsAdded = items.Count });
            await VerifyAsync(id, layer.Id, version, partitions, cancellationToken).ConfigureAwait(false);
            verified = true;
        }

        options.Progress?.Report(new PublicationProgress { Stage = PublicationStage.Done, PublicationId = id, ItemsTotal = items.Count, ItemsUploaded = items.Count, PartitionsAdded = items.Count, State = PublicationState.Succeeded });
        return Result(id, PublicationState.Succeeded, version, partitions, bytes, verified, started);
    }

    /// <summary>Reads and checks the layer, then every partition id, before any data request.</summary>
    public async Task<(LayerSettings Layer, string ContentType)> PrepareAsync(IReadOnlyList<PublishItem> items, PublishOptions options, CancellationToken cancellationToken)
    {
        var fallback = new LayerFallback(options.ContentType, options.Checksum, options.RequireLayerConfig);
        LayerSettings layer = await config.ReadAsync(options.LayerId, "versioned", fallback, cancellationToken).ConfigureAwait(false);
        string contentType = LayerChecks.ContentType(layer, options.ContentType, options.Checksum);
        PartitionRules.Validate(items, layer, nameof(items));
        return (layer, contentType);
    }

    public async Task<PublicationInfo> InitializeAsync(ServiceEndpoint endpoint, IReadOnlyList<string> layerIds, CancellationToken cancellationToken)
    {
        try
        {
            PublicationWire wire = await services.Runner.ExecuteAsync(
                PublishingProtocol.OpInit,
                token => services.Protocol.InitializeAsync(endpoint, layerIds, services.BillingTag, token),
                cancellationToken).ConfigureAwait(false);
            PublicationInfo info = PublicationWaiter.ToInfo(wire);
            PublishingLog.Initialized(services.Logger, info.Id, info.BaseVersion);
            return info;
        }
        catch (PublicationException ex) when (ex.Status == 409)
        {
            throw new PublicationException(
                PartUploadException.FormatMessage("Another publication of the catalog is active, so a new one cannot start; it is left alone", ex.Operation, 409, PartUploadErrorCodes.PublicationConflict, ex.ErrorTitle, ex.CorrelationId),
                ex)
            {
                Status = 409,
                ErrorCode = PartUploadErrorCodes.PublicationConflict,
                ErrorTitle = ex.ErrorTitle,
                CorrelationId = ex.CorrelationId,
                Operation = ex.Operation,
            };
        }
    }

    /// <summary>Submits once. When the answer is lost or transient, the state is read before any second PUT (P9).</summary>
    public async Task SubmitAsync(ServiceEndpoint endpoint, string publicationId, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            TimeSpan? retryAfter = null;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(services.AttemptTimeout);
                await services.Protocol.SubmitAsync(endpoint, publicationId, services.BillingTag, timeout.Token).ConfigureAwait(false);
                PublishingLog.Submitted(services.Logger, publicationId);
                return;
            }
            catch (PartUploadException ex) when (ServiceError.IsTransientStatus(ex.Status) && attempt < MaxSubmitAttempts)
            {
                retryAfter = ex.RetryAfter;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested && attempt < MaxSubmitAttempts)
            {
                // No answer, or the attempt timed out: the PUT may have taken effect.
            }

            PublicationInfo info = await _waiter.GetAsync(endpoint, publicationId, cancellationToken).ConfigureAwait(false);
            switch (info.State)
            {
                case PublicationState.Submitted or PublicationState.Succeeded:
                    return;
                case PublicationState.Initialized:
                    await Task.Delay(retryAfter ?? TimeSpan.FromMilliseconds(250 << attempt), services.Clock, cancellationToken).ConfigureAwait(false);
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

    private async Task VerifyAsync(string publicationId, string layerId, long version, IReadOnlyList<PublishedPartition> sent, CancellationToken cancellationToken)
    {
        long? latest = await _reader.GetLatestVersionAsync(cancellationToken).ConfigureAwait(false);
        if (latest is null || latest < version)
        {
            throw PublishingErrors.Ended(PartUploadErrorCodes.PublishVerifyMismatch, $"The publication succeeded but the catalog's latest version is {latest?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, not {version} or later", publicationId, "succeeded", null, PublishingErrors.OpVerify);
        }

        IReadOnlyList<PartitionMetadata> read = await _reader.QueryAsync(layerId, [.. sent.Select(p => p.PartitionId)], version, cancellationToken).ConfigureAwait(false);
        var byId = read.ToDictionary(p => p.PartitionId, StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (PublishedPartition partition in sent)
        {
            if (!byId.TryGetValue(partition.PartitionId, out PartitionMetadata? found))
            {
                problems.Add($"'{partition.PartitionId}' is missing");
            }
            else if (found.DataHandle != partition.DataHandle || found.DataSize != partition.DataSize || found.Crc != partition.Crc || found.Checksum != partition.Checksum)
            {
                problems.Add($"'{partition.PartitionId}' reads back as handle {found.DataHandle}, size {found.DataSize}, crc {found.Crc}, checksum {found.Checksum}");
            }
        }

        if (problems.Count > 0)
        {
            throw PublishingErrors.Ended(
                PartUploadErrorCodes.PublishVerifyMismatch,
                $"The publication succeeded but {problems.Count} partition(s) of version {version} differ from what was sent: {string.Join("; ", problems.Take(10))}",
                publicationId,
                "succeeded",
                null,
                PublishingErrors.OpVerify);
        }
    }

    private PublicationResult Result(string id, PublicationState state, long? version, IReadOnlyList<PublishedPartition> partitions, long bytes, bool verified, long started) => new()
    {
        PublicationId = id,
        State = state,
        Version = version,
        Partitions = partitions,
        Bytes = bytes,
        Verified = verified,
        Elapsed = services.Clock.GetElapsedTime(started),
    };
}
