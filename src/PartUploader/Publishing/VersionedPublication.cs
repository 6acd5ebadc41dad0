using PartUploader.Internal.Transfer;
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
        PublicationJournal? journal = options.JournalDirectory is null ? null : PublicationJournal.TryOpen(options.JournalDirectory);
        PublicationInfo publication;
        if (journal is not null)
        {
            journal.EnsureSame(services.Catalog.ToString(), layer.Id, items);
            publication = await ResumeAsync(endpoint, journal, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            publication = await InitializeAsync(endpoint, [layer.Id], cancellationToken).ConfigureAwait(false);
            if (options.JournalDirectory is not null)
            {
                // Handles are chosen before any upload, so that a rerun uploads (or skips) the same blobs.
                journal = PublicationJournal.Create(options.JournalDirectory, new PublicationJournalState(
                    publication.Id,
                    services.Catalog.ToString(),
                    layer.Id,
                    publication.BaseVersion,
                    [.. items.Select(i => new PublicationJournalItem(i.PartitionId, i.Source, PublicationUploads.NewHandle()))],
                    Submitted: false));
            }
        }

        string id = publication.Id;
        IReadOnlyList<string>? handles = journal is null ? null : [.. journal.State.Items.Select(i => i.DataHandle)];
        (IReadOnlyList<PublishedPartition> partitions, long bytes) = publication.State == PublicationState.Initialized
            ? await UploadAndSubmitAsync(endpoint, id, items, layer, contentType, options, journal, handles, cancellationToken).ConfigureAwait(false)
            : (FromJournal(items, journal!, layer), 0L);

        if (!options.WaitForCompletion)
        {
            return Result(id, PublicationState.Submitted, null, partitions, bytes, verified: false, started);
        }

        options.Progress?.Report(new PublicationProgress { Stage = PublicationStage.Waiting, PublicationId = id, ItemsTotal = items.Count, ItemsUploaded = items.Count, PartitionsAdded = items.Count });
        try
        {
            await _waiter.WaitAsync(id, options.Wait, cancellationToken).ConfigureAwait(false);
        }
        catch (PublicationException ex) when (ex.ErrorCode is not PartUploadErrorCodes.PublicationTimeout)
        {
            journal?.Delete(); // the publication ended: nothing is left to resume
            throw;
        }

        long? baseVersion = journal?.State.BaseVersion ?? publication.BaseVersion;
        // One active versioned publication per catalog: it made the version after the one it was initialized over (P10).
        long version = (baseVersion ?? -1) + 1;
        bool verified = false;
        if (options.Verify)
        {
            options.Progress?.Report(new PublicationProgress { Stage = PublicationStage.Verifying, PublicationId = id, ItemsTotal = items.Count, ItemsUploaded = items.Count, PartitionsAdded = items.Count });
            await VerifyAsync(id, layer.Id, version, partitions, cancellationToken).ConfigureAwait(false);
            verified = true;
        }

        journal?.Delete();
        options.Progress?.Report(new PublicationProgress { Stage = PublicationStage.Done, PublicationId = id, ItemsTotal = items.Count, ItemsUploaded = items.Count, PartitionsAdded = items.Count, State = PublicationState.Succeeded });
        return Result(id, PublicationState.Succeeded, version, partitions, bytes, verified, started);
    }

    /// <summary>Uploads, adds the partitions and submits; a failure before submit cancels the publication on the server.</summary>
    private async Task<(IReadOnlyList<PublishedPartition>, long)> UploadAndSubmitAsync(
        ServiceEndpoint endpoint, string id, IReadOnlyList<PublishItem> items, LayerSettings layer, string contentType, PublishOptions options,
        PublicationJournal? journal, IReadOnlyList<string>? handles, CancellationToken cancellationToken)
    {
        try
        {
            (IReadOnlyList<PublishedPartition> partitions, long bytes) = await uploads.AddAsync(
                endpoint, id, items, layer, contentType, options, cancellationToken, handles, journal?.BatchDirectory).ConfigureAwait(false);
            await SubmitAsync(endpoint, id, cancellationToken).ConfigureAwait(false);
            journal?.MarkSubmitted();
            return (partitions, bytes);
        }
        catch (Exception ex) when (ex is PartUploadException or OperationCanceledException)
        {
            bool cancelled = await TryCancelAsync(endpoint, id).ConfigureAwait(false);
            if (cancelled)
            {
                journal?.Delete();
            }

            if (ex is PartUploadException error)
            {
                throw PublishingErrors.WithPublication(error, id, cancelled);
            }

            ex.Data[PartUploadExceptionData.PublicationId] = id;
            ex.Data[PartUploadExceptionData.PublicationCancelledOnServer] = cancelled;
            throw;
        }
    }

    /// <summary>The journaled publication's state: initialized (go on uploading) or submitted/succeeded (go on waiting); any other end is typed and the journal removed.</summary>
    private async Task<PublicationInfo> ResumeAsync(ServiceEndpoint endpoint, PublicationJournal journal, CancellationToken cancellationToken)
    {
        PublicationInfo info = await _waiter.GetAsync(endpoint, journal.State.PublicationId, cancellationToken).ConfigureAwait(false);
        if (info.State is PublicationState.Initialized or PublicationState.Submitted or PublicationState.Succeeded)
        {
            PublishingLog.Resumed(services.Logger, info.Id, info.RawState);
            return info;
        }

        journal.Delete();
        throw PublishingErrors.Ended(
            PartUploadErrorCodes.PublicationNotOpen,
            "The journaled publication can no longer be continued; its journal was removed, so a rerun starts a new publication",
            info.Id,
            info.RawState,
            info.Message);
    }

    /// <summary>The partitions of a publication submitted before a crash, from the batch journal's record of each upload.</summary>
    private static PublishedPartition[] FromJournal(IReadOnlyList<PublishItem> items, PublicationJournal journal, LayerSettings layer)
    {
        BatchJournal batch = BatchJournal.Open(journal.BatchDirectory);
        return [.. items.Select((item, i) =>
        {
            string handle = journal.State.Items[i].DataHandle;
            return batch.TryGetCompleted(handle, out BatchJournalEntry entry)
                ? PublicationUploads.ToPartition(item, entry.ToResult(), layer.Checksum)
                : throw PublishingErrors.Ended(PartUploadErrorCodes.JournalInvalid, $"The publication was submitted but the journal has no upload of '{item.Source}'", journal.State.PublicationId, null, null);
        })];
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
