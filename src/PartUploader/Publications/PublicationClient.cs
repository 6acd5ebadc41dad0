using PartUploader.Internal.Protocol.Publishing;
using PartUploader.Internal.Publishing;

namespace PartUploader;

/// <summary>
/// Makes uploaded data visible in a catalog: publishes items as partitions of a versioned layer (Publish API v2)
/// and reads the published metadata back. The data goes through the <see cref="PartUploadClient"/> it came from,
/// sharing its window of requests, memory budget, retries and credentials.
/// </summary>
/// <remarks>
/// Get one from <see cref="PartUploadClient.GetPublicationClient"/>; it needs <see cref="PartUploadClientOptions.CatalogHrn"/>
/// (the publish, metadata, query and config base URLs come from the API lookup). Thread-safe.
/// <see cref="PublishAsync"/> does the whole job; <see cref="InitializeAsync"/>, <see cref="AddAsync"/>,
/// <see cref="SubmitAsync"/> and <see cref="WaitAsync"/> let several processes feed one publication.
/// </remarks>
public class PublicationClient
{
    private readonly PublishingServices _services = null!;
    private readonly VersionedPublication _versioned = null!;
    private readonly PublicationUploads _uploads = null!;
    private readonly PublicationWaiter _waiter = null!;
    private readonly PublicationReader _reader = null!;
    private readonly IndexWriter _index = null!;

    /// <summary>Initializes a new instance for mocking.</summary>
    protected PublicationClient()
    {
    }

    internal PublicationClient(PublishingServices services, PartUploadClient uploads, TimeSpan cancelTimeout)
    {
        _services = services;
        _uploads = new PublicationUploads(services, uploads);
        var config = new LayerConfigReader(services);
        _versioned = new VersionedPublication(services, config, _uploads, cancelTimeout);
        _index = new IndexWriter(services, config, uploads);
        _waiter = new PublicationWaiter(services);
        _reader = new PublicationReader(services);
    }

    /// <summary>Publishes items as partitions of a versioned layer: one publication, all or nothing.</summary>
    /// <param name="items">The items; each gets a fresh UUID data handle.</param>
    /// <param name="options">The layer, batching, waiting and verification.</param>
    /// <param name="cancellationToken">Before submit: cancels the uploads and the publication on the server. After submit: stops waiting (<see cref="PublicationWaitCanceledException"/>); the publication goes on.</param>
    /// <returns>The new catalog version and the partitions published.</returns>
    /// <remarks>
    /// The layer's configuration is read first (type, content type, digest, partitioning), then every partition id is
    /// checked; only then is the publication initialized. Partition metadata (size, CRC-32C, the layer's checksum)
    /// comes from the upload's own read pass and is added in batches while data still uploads. On any failure before
    /// submit the publication is cancelled on the server, so it either succeeds with exactly these partitions or
    /// publishes none; when that cancel itself fails, the error says so (<see cref="PublicationException.CancelledOnServer"/>)
    /// and the idle publication expires. The service allows one active publication per catalog: initializing while
    /// another is still <c>initialized</c> (not yet submitted) makes the service cancel that one, which may be another
    /// writer's; while another is submitted, this call fails with <see cref="PartUploadErrorCodes.PublicationConflict"/>.
    /// </remarks>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The options are invalid or there is no item (before any request), or a partition id is invalid or repeated (after the layer's configuration is read, before any upload or publication request).</exception>
    /// <exception cref="PublicationException">The layer does not fit, another publication is active, an item failed, or the publication did not succeed; <see cref="PartUploadException.ErrorCode"/> says which.</exception>
    /// <exception cref="PublicationWaitCanceledException">Cancelled while waiting for the submitted publication.</exception>
    /// <exception cref="OperationCanceledException">Cancelled before submit; the publication was cancelled on the server (its <see cref="Exception.Data"/> holds <see cref="PartUploadExceptionData.PublicationId"/> and <see cref="PartUploadExceptionData.PublicationCancelledOnServer"/>).</exception>
    public virtual async Task<PublicationResult> PublishAsync(IEnumerable<PublishItem> items, PublishOptions options, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<PublishItem> list = Validate(items, options);
        return await _versioned.PublishAsync(list, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Initializes a publication over one versioned layer, for several workers to feed with <see cref="AddAsync"/>.</summary>
    /// <param name="layerId">The versioned layer.</param>
    /// <param name="cancellationToken">A token to cancel the call.</param>
    /// <returns>The publication: its id goes to the workers.</returns>
    /// <exception cref="PublicationException">Another publication is active (<see cref="PartUploadErrorCodes.PublicationConflict"/>) or the service refused.</exception>
    public virtual async Task<PublicationInfo> InitializeAsync(string layerId, CancellationToken cancellationToken = default)
    {
        Internal.Validation.UploadValidation.ValidateLayerId(layerId, nameof(layerId));
        ServiceEndpoint endpoint = await _services.PublishAsync(cancellationToken).ConfigureAwait(false);
        return await _versioned.InitializeAsync(endpoint, [layerId], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Uploads items and adds their partitions to an initialized publication; does not submit it.</summary>
    /// <param name="publicationId">The publication, from <see cref="InitializeAsync"/>.</param>
    /// <param name="items">This worker's items.</param>
    /// <param name="options">The layer (one of the publication's), batching and progress; <see cref="PublishOptions.Wait"/>, <see cref="PublishOptions.Verify"/> and <see cref="PublishOptions.WaitForCompletion"/> do not apply, and <see cref="PublishOptions.JournalDirectory"/> is refused.</param>
    /// <param name="cancellationToken">Cancels the uploads; the publication is left as it is (other workers may be feeding it).</param>
    /// <returns>The partitions added, in item order.</returns>
    /// <exception cref="ArgumentException">The options or a partition id are invalid (after the layer's configuration is read, before any upload).</exception>
    /// <exception cref="PublicationException">The layer does not fit, an item failed, or the publication is no longer initialized.</exception>
    public virtual async Task<IReadOnlyList<PublishedPartition>> AddAsync(string publicationId, IEnumerable<PublishItem> items, PublishOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(publicationId);
        IReadOnlyList<PublishItem> list = Validate(items, options);
        if (options.JournalDirectory is not null)
        {
            throw new ArgumentException("PublishOptions.JournalDirectory is for PublishAsync: a worker of a shared publication reruns its share with AddAsync (the service keeps the last write per partition id).", nameof(options));
        }

        (LayerSettings layer, string contentType) = await _versioned.PrepareAsync(list, options, cancellationToken).ConfigureAwait(false);
        ServiceEndpoint endpoint = await _services.PublishAsync(cancellationToken).ConfigureAwait(false);
        PublicationInfo info = await _waiter.GetAsync(endpoint, publicationId, cancellationToken).ConfigureAwait(false);
        if (info.State != PublicationState.Initialized)
        {
            throw PublishingErrors.Ended(PartUploadErrorCodes.PublicationNotOpen, "The publication no longer accepts partitions", publicationId, info.RawState, info.Message, PublishingProtocol.OpPartitions);
        }

        (IReadOnlyList<PublishedPartition> partitions, _) = await _uploads.AddAsync(endpoint, publicationId, list, layer, contentType, options, handles: null, batchJournal: null, cancellationToken).ConfigureAwait(false);
        return partitions;
    }

    /// <summary>Submits an initialized publication (once: an ambiguous failure is resolved by reading its state, never by a second submit).</summary>
    /// <param name="publicationId">The publication.</param>
    /// <param name="cancellationToken">A token to cancel the call.</param>
    /// <returns>A task that completes when the service accepted the submit.</returns>
    /// <exception cref="PublicationException">The service refused (for example the publication is not initialized), or whether it was submitted is unknown (<see cref="PartUploadErrorCodes.SubmitOutcomeUnknown"/>).</exception>
    /// <exception cref="PublicationWaitCanceledException">Cancelled after the submit took effect.</exception>
    /// <exception cref="OperationCanceledException">Cancelled before the submit took effect.</exception>
    public virtual async Task SubmitAsync(string publicationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(publicationId);
        ServiceEndpoint endpoint = await _services.PublishAsync(cancellationToken).ConfigureAwait(false);
        await _versioned.Submitter.SubmitAsync(endpoint, publicationId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits for a submitted publication to succeed, polling with back-off.</summary>
    /// <param name="publicationId">The publication.</param>
    /// <param name="options">The polling and the timeout; null for the defaults (1 s doubling to 30 s, 2 hours).</param>
    /// <param name="cancellationToken">Stops waiting; the publication goes on.</param>
    /// <returns>The succeeded publication.</returns>
    /// <exception cref="PublicationException">It failed, was cancelled, expired, or did not finish in time; <see cref="PartUploadException.ErrorCode"/> says which.</exception>
    /// <exception cref="PublicationWaitCanceledException">Cancelled while waiting.</exception>
    public virtual Task<PublicationInfo> WaitAsync(string publicationId, PublicationWaitOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(publicationId);
        options ??= new PublicationWaitOptions();
        ValidateWait(options, nameof(options));
        return _waiter.WaitAsync(publicationId, options, cancellationToken);
    }

    /// <summary>Reads a publication's state.</summary>
    /// <param name="publicationId">The publication.</param>
    /// <param name="cancellationToken">A token to cancel the call.</param>
    /// <returns>The publication as the service describes it.</returns>
    /// <exception cref="PublicationException">The service refused (404: no such publication).</exception>
    public virtual async Task<PublicationInfo> GetAsync(string publicationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(publicationId);
        ServiceEndpoint endpoint = await _services.PublishAsync(cancellationToken).ConfigureAwait(false);
        return await _waiter.GetAsync(endpoint, publicationId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Cancels a publication that has not been submitted; its partition metadata is discarded (its blobs stay stored).</summary>
    /// <param name="publicationId">The publication.</param>
    /// <param name="cancellationToken">A token to cancel the call.</param>
    /// <returns>A task that completes when the service cancelled it.</returns>
    /// <exception cref="PublicationException">The service refused (for example it was already submitted).</exception>
    public virtual async Task CancelAsync(string publicationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(publicationId);
        ServiceEndpoint endpoint = await _services.PublishAsync(cancellationToken).ConfigureAwait(false);
        await _services.Runner.ExecuteAsync(
            PublishingProtocol.OpCancel,
            token => _services.Protocol.CancelAsync(endpoint, publicationId, _services.BillingTag, token),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the catalog's latest version.</summary>
    /// <param name="cancellationToken">A token to cancel the call.</param>
    /// <returns>The version, or null when the catalog has none yet.</returns>
    /// <exception cref="PublicationException">The service refused.</exception>
    public virtual Task<long?> GetLatestVersionAsync(CancellationToken cancellationToken = default) => _reader.GetLatestVersionAsync(cancellationToken);

    /// <summary>Reads every partition of a layer at a catalog version, with size, CRC and checksum where published.</summary>
    /// <param name="layerId">The layer.</param>
    /// <param name="version">The catalog version.</param>
    /// <param name="cancellationToken">A token to cancel the call.</param>
    /// <returns>The partitions (deleted ones are left out).</returns>
    /// <exception cref="PublicationException">The service refused (for example a version above the latest).</exception>
    public virtual Task<IReadOnlyList<PartitionMetadata>> GetPartitionsAsync(string layerId, long version, CancellationToken cancellationToken = default)
    {
        Internal.Validation.UploadValidation.ValidateLayerId(layerId, nameof(layerId));
        return _reader.GetPartitionsAsync(layerId, version, cancellationToken);
    }

    /// <summary>Uploads items to an index layer and inserts their index records (Index API v1); there is no publication.</summary>
    /// <param name="items">The items with their field values; each blob gets a new lowercase UUID, which is its record's id.</param>
    /// <param name="options">The layer and batching.</param>
    /// <param name="cancellationToken">Cancels the uploads and the inserts; records already inserted stay.</param>
    /// <returns>The records inserted, in item order.</returns>
    /// <remarks>
    /// The layer's configuration is read first; then every record is checked against the layer's index fields (exactly
    /// those names, with their types) and the 256-byte record limit, before any upload. Records are inserted in batches
    /// while data still uploads. A failed item stops the rest; records inserted before it stay in the layer (the error
    /// says how many): index layers have no publication to cancel.
    /// </remarks>
    /// <exception cref="ArgumentException">The options are invalid, there is no item, or a record does not fit the layer (before any upload).</exception>
    /// <exception cref="PublicationException">The layer is unknown or not an index layer, an item failed, or the service refused an insert.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public virtual async Task<IndexResult> IndexAsync(IEnumerable<IndexItem> items, IndexOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(options);
        Internal.Validation.UploadValidation.ValidateLayerId(options.LayerId, nameof(options));
        if (options.RecordsPerRequest is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.RecordsPerRequest, "IndexOptions.RecordsPerRequest must be 1 to 1,000.");
        }

        IndexItem[] list = [.. items];
        if (list.Length == 0 || Array.IndexOf(list, null) >= 0)
        {
            throw new ArgumentException(list.Length == 0 ? "There is no item to index." : "An item is null.", nameof(items));
        }

        return await _index.WriteAsync(list, options, cancellationToken).ConfigureAwait(false);
    }

    private static PublishItem[] Validate(IEnumerable<PublishItem> items, PublishOptions options)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(options);
        Internal.Validation.UploadValidation.ValidateLayerId(options.LayerId, nameof(options));
        if (options.PartitionsPerRequest is < 1 or > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.PartitionsPerRequest, "PublishOptions.PartitionsPerRequest must be 1 to 10,000.");
        }

        ArgumentNullException.ThrowIfNull(options.Wait, nameof(options));
        ValidateWait(options.Wait, nameof(options));
        PublishItem[] list = [.. items];
        if (list.Length == 0)
        {
            // An empty publication makes no version (P11): never submit one.
            throw new ArgumentException("There is no item to publish.", nameof(items));
        }

        return Array.IndexOf(list, null) >= 0 ? throw new ArgumentException("An item is null.", nameof(items)) : list;
    }

    private static void ValidateWait(PublicationWaitOptions wait, string parameterName)
    {
        if (wait.PollInterval <= TimeSpan.Zero || wait.MaxPollInterval < wait.PollInterval || wait.Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(parameterName, "PublicationWaitOptions: PollInterval must be positive, MaxPollInterval at least PollInterval, and Timeout positive.");
        }
    }
}
