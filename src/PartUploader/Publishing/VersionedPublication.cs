using PartUploader.Internal.Transfer;
using PartUploader.Internal.Protocol.Publishing;

namespace PartUploader.Internal.Publishing;

/// <summary>
/// Publishes items to a versioned layer: layer checks → initialize → upload and add partitions in batches →
/// submit (never twice) → wait for <c>succeeded</c> → read the metadata back. A failure before submit cancels
/// the publication on the server with a token of its own; one after submit names the publication.
/// </summary>
internal sealed class VersionedPublication(PublishingServices services, LayerConfigReader config, PublicationUploads uploads, TimeSpan cancelTimeout)
{
    private readonly PublicationWaiter _waiter = new(services);
    private readonly PublicationReader _reader = new(services);

    /// <summary>Gets the submitter (submit exactly once, cancel with a token of its own).</summary>
    public PublicationSubmitter Submitter { get; } = new(services, new PublicationWaiter(services), cancelTimeout);

    public async Task<PublicationResult> PublishAsync(IReadOnlyList<PublishItem> items, PublishOptions options, CancellationToken cancellationToken)
    {
        long started = services.Clock.GetTimestamp();
        (LayerSettings layer, string contentType) = await PrepareAsync(items, options, cancellationToken).ConfigureAwait(false);
        ServiceEndpoint endpoint = await services.PublishAsync(cancellationToken).ConfigureAwait(false);
        PublicationJournal? journal = options.JournalDirectory is null ? null : PublicationJournal.TryOpen(options.JournalDirectory);
        PublicationInfo publication = journal is null
            ? await InitializeAsync(endpoint, [layer.Id], cancellationToken).ConfigureAwait(false)
            : await ResumeAsync(endpoint, journal, layer, items, cancellationToken).ConfigureAwait(false);

        IReadOnlyList<PublishedPartition> partitions;
        long bytes = 0;
        if (publication.State == PublicationState.Initialized)
        {
            (partitions, bytes, journal) = await UploadAndSubmitAsync(endpoint, publication, items, layer, contentType, options, journal, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            partitions = FromJournal(items, journal!, layer);
        }

        if (!options.WaitForCompletion)
        {
            journal?.Delete(); // the caller has the id; a later run with these items is a new publication
            return Result(publication.Id, PublicationState.Submitted, null, partitions, bytes, verified: false, started);
        }

        long version = await FinishAsync(publication, journal, layer.Id, partitions, options, cancellationToken).ConfigureAwait(false);
        journal?.Delete();
        options.Progress?.Report(Progress(PublicationStage.Done, publication.Id, items.Count, PublicationState.Succeeded));
        return Result(publication.Id, PublicationState.Succeeded, version, partitions, bytes, options.Verify, started);
    }

    /// <summary>Uploads, adds the partitions and submits. Any failure before the submit took effect cancels the publication on the server.</summary>
    private async Task<(IReadOnlyList<PublishedPartition>, long, PublicationJournal?)> UploadAndSubmitAsync(
        ServiceEndpoint endpoint, PublicationInfo publication, IReadOnlyList<PublishItem> items, LayerSettings layer, string contentType, PublishOptions options,
        PublicationJournal? journal, CancellationToken cancellationToken)
    {
        string id = publication.Id;
        IReadOnlyList<PublishedPartition> partitions;
        long bytes;
        try
        {
            // Handles are chosen (and journaled) before any upload, so that a rerun uploads or skips the same blobs.
            journal ??= options.JournalDirectory is null ? null : PublicationJournal.Create(
                options.JournalDirectory,
                new PublicationJournalState(id, services.Catalog.ToString(), layer.Id, publication.BaseVersion, [.. items.Select(PublicationJournal.NewItem)], Submitted: false));
            IReadOnlyList<string>? handles = journal is null ? null : [.. journal.State.Items.Select(i => i.DataHandle)];
            (partitions, bytes) = await uploads.AddAsync(endpoint, id, items, layer, contentType, options, handles, journal?.BatchDirectory, cancellationToken).ConfigureAwait(false);
            await Submitter.SubmitAsync(endpoint, id, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not (PublicationWaitCanceledException or OutOfMemoryException) && ex is not PublicationException { ErrorCode: PartUploadErrorCodes.SubmitOutcomeUnknown })
        {
            bool cancelled = await Submitter.TryCancelAsync(endpoint, id).ConfigureAwait(false);
            if (cancelled)
            {
                journal?.Delete();
            }

            if (ex is OperationCanceledException)
            {
                ex.Data[PartUploadExceptionData.PublicationId] = id;
                ex.Data[PartUploadExceptionData.PublicationCancelledOnServer] = cancelled;
                throw;
            }

            throw PublishingErrors.WithPublication(ex as PartUploadException ?? PublishingErrors.Unexpected(ex), id, cancelled);
        }

        try
        {
            journal?.MarkSubmitted();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The publication is submitted; a rerun reads its state from the service, so the journal's flag is only a hint.
            PublishingLog.JournalWriteFailed(services.Logger, ex, id);
        }

        return (partitions, bytes, journal);
    }

    /// <summary>Waits for success (a publication that ended otherwise removes the journal), then reads the metadata back.</summary>
    private async Task<long> FinishAsync(
        PublicationInfo publication, PublicationJournal? journal, string layerId, IReadOnlyList<PublishedPartition> partitions, PublishOptions options, CancellationToken cancellationToken)
    {
        string id = publication.Id;
        options.Progress?.Report(Progress(PublicationStage.Waiting, id, partitions.Count, null));
        try
        {
            await _waiter.WaitAsync(id, options.Wait, cancellationToken).ConfigureAwait(false);
        }
        catch (PublicationException ex) when (PublicationWaiter.IsFinal(ex.ErrorCode))
        {
            journal?.Delete(); // the publication ended: nothing is left to resume
            throw;
        }

        try
        {
            // One active versioned publication per catalog: it made the version after the one it was initialized over (P10).
            long? baseVersion = journal?.State.BaseVersion ?? publication.BaseVersion;
            long version = baseVersion is long known ? known + 1 : await _reader.GetLatestVersionAsync(cancellationToken).ConfigureAwait(false) ?? 0;
            if (options.Verify)
            {
                options.Progress?.Report(Progress(PublicationStage.Verifying, id, partitions.Count, PublicationState.Succeeded));
                await VerifyAsync(id, layerId, version, partitions, cancellationToken).ConfigureAwait(false);
            }

            return version;
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
        {
            journal?.Delete();
            throw new PublicationWaitCanceledException($"Stopped while reading publication {id} back; it succeeded.", ex) { PublicationId = id };
        }
    }

    private static PublicationProgress Progress(PublicationStage stage, string id, int count, PublicationState? state) =>
        new() { Stage = stage, PublicationId = id, ItemsTotal = count, ItemsUploaded = count, PartitionsAdded = count, State = state };

    /// <summary>The journaled publication's state: initialized (go on uploading) or submitted/succeeded (go on waiting); any other end is typed and the journal removed.</summary>
    private async Task<PublicationInfo> ResumeAsync(ServiceEndpoint endpoint, PublicationJournal journal, LayerSettings layer, IReadOnlyList<PublishItem> items, CancellationToken cancellationToken)
    {
        journal.EnsureSame(services.Catalog.ToString(), layer.Id, items);
        PublicationInfo info;
        try
        {
            info = await _waiter.GetAsync(endpoint, journal.State.PublicationId, cancellationToken).ConfigureAwait(false);
        }
        catch (PublicationException ex) when (ex.Status == 404)
        {
            // P13 alternative: the service forgets ended publications.
            journal.Delete();
            throw PublishingErrors.Ended(PartUploadErrorCodes.PublicationNotOpen, "The journaled publication is no longer known to the service (404); its journal was removed, so a rerun starts a new publication", journal.State.PublicationId, null, null);
        }

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
        string contentType = LayerChecks.ContentType(layer, options.ContentType, options.Checksum, allowGzip: true);
        if (layer.ContentEncoding is not null && options.JournalDirectory is not null)
        {
            throw new ArgumentException($"The layer '{layer.Id}' stores gzip data, which is compressed while it uploads and cannot be resumed from a journal: leave JournalDirectory unset.", nameof(options));
        }

        PartitionRules.Validate(items, layer, nameof(items), options.StrictPartitionIds, options.CheckTileLevels);
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
