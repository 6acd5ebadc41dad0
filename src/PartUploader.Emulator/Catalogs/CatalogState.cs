using System.Security.Cryptography;
using PartUploader.Emulator.Internal;

namespace PartUploader.Emulator.Catalogs;

/// <summary>
/// The versioned data of one catalog: its publications, its catalog versions and the partitions visible at each version
/// (spec publish-v2 1.1-1.6, 4). Thread-safe: one lock per catalog. Time-driven changes (processing end, idle expiry) are
/// applied lazily from the emulator's clock whenever the catalog is read or written, so a FakeTimeProvider drives them.
/// </summary>
internal sealed class CatalogState
{
    private readonly Lock _gate = new();
    private readonly EmulatorService _service;
    private readonly List<Publication> _publications = [];
    private readonly Dictionary<string, Publication> _byId = new(StringComparer.Ordinal);

    /// <summary>Revisions by layer, then by key, in ascending version order.</summary>
    private readonly Dictionary<string, SortedDictionary<string, List<EmulatorPartition>>> _revisions = new(StringComparer.Ordinal);
    private readonly List<CatalogVersionRecord> _versions = [];
    private long _version = -1;

    public CatalogState(EmulatorService service, string hrn)
    {
        _service = service;
        Hrn = hrn;
    }

    public string Hrn { get; }

    private PublishEmulatorOptions Switches => _service.Options.Publishing;

    private DateTimeOffset Now => _service.Options.TimeProvider.GetUtcNow();

    /// <summary>Initializes a publication over the given (validated, versioned) layers (spec publish-v2 1.1, P18).</summary>
    public (PublicationWire? Created, DataApiError? Error) Initialize(IReadOnlyList<string> layerIds, long sequence)
    {
        lock (_gate)
        {
            DateTimeOffset now = AdvanceLocked();
            Publication? submitted = _publications.FirstOrDefault(p => p.State == PublicationStates.Submitted);
            if (submitted is not null)
            {
                return (null, ActiveConflict(submitted));
            }

            List<Publication> initialized = [.. _publications.Where(p => p.State == PublicationStates.Initialized)];
            if (initialized.Count > 0 && Switches.InitOverInitialized == ActivePublicationPolicy.Conflict)
            {
                return (null, ActiveConflict(initialized[0]));
            }

            string id = "v2-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            foreach (Publication other in initialized)
            {
                other.Partitions.Clear();
                other.Move(PublicationStates.Cancelled, $"Publication has been cancelled by the newer publication {id}", now);
            }

            Publication publication = new(id, Hrn, layerIds, sequence, _version, now, Switches.IdleExpiry);
            _publications.Add(publication);
            _byId[id] = publication;
            return (publication.ToWire(), null);
        }
    }

    /// <summary>Reads a publication; null when unknown, or ended while <see cref="PublishEmulatorOptions.EndedPublicationsNotFound"/> is on (P13).</summary>
    public PublicationWire? Get(string id)
    {
        lock (_gate)
        {
            AdvanceLocked();
            return Find(id)?.ToWire();
        }
    }

    /// <summary>Checks that a publication accepts partitions for a layer (404, P8, P19); null when it does.</summary>
    public DataApiError? CheckAcceptsPartitions(string id, string layerId)
    {
        lock (_gate)
        {
            AdvanceLocked();
            return CheckAcceptsLocked(id, layerId);
        }
    }

    /// <summary>Adds validated partitions to a publication (spec publish-v2 1.2, P9); all or nothing.</summary>
    public DataApiError? AddPartitions(string id, string layerId, IReadOnlyList<PendingPartition> partitions)
    {
        lock (_gate)
        {
            DateTimeOffset now = AdvanceLocked();
            if (CheckAcceptsLocked(id, layerId) is { } error)
            {
                return error;
            }

            Publication publication = _byId[id];
            if (!publication.Partitions.TryGetValue(layerId, out Dictionary<string, PendingPartition>? layer))
            {
                layer = new Dictionary<string, PendingPartition>(StringComparer.Ordinal);
                publication.Partitions[layerId] = layer;
            }

            if (Switches.DuplicatePartitionConflict)
            {
                HashSet<string> seen = new(StringComparer.Ordinal);
                foreach (PendingPartition partition in partitions)
                {
                    string key = partition.Value.Partition;
                    if (layer.ContainsKey(key) || !seen.Add(key))
                    {
                        return DataApiError.Conflict("partition", $"Partition '{key}' was already uploaded to publication {id}.");
                    }
                }
            }

            foreach (PendingPartition partition in partitions)
            {
                layer[partition.Value.Partition] = partition;
            }

            publication.Touch(now);
            return null;
        }
    }

    /// <summary>Submits a publication (spec publish-v2 1.3, P8).</summary>
    public DataApiError? Submit(string id)
    {
        lock (_gate)
        {
            DateTimeOffset now = AdvanceLocked();
            if (CheckStateLocked(id, "submitted") is { } error)
            {
                return error;
            }

            _byId[id].Submit(now);
            AdvanceLocked();
            return null;
        }
    }

    /// <summary>Cancels a publication before submit (spec publish-v2 1.5, P8); its partitions are discarded.</summary>
    public (PublicationWire? Cancelled, DataApiError? Error) Cancel(string id)
    {
        lock (_gate)
        {
            DateTimeOffset now = AdvanceLocked();
            if (CheckStateLocked(id, "cancelled") is { } error)
            {
                return (null, error);
            }

            Publication publication = _byId[id];
            publication.Partitions.Clear();
            publication.Move(PublicationStates.Cancelled, "Publication has been cancelled", now);
            return (publication.ToWire(), null);
        }
    }

    /// <summary>The latest catalog version, -1 when there is none.</summary>
    public long LatestVersion()
    {
        lock (_gate)
        {
            AdvanceLocked();
            return _version;
        }
    }

    /// <summary>The partitions of a layer visible at a version (latest when null), ordered by key; deleted ones are left out.</summary>
    public IReadOnlyList<EmulatorPartition> ReadPartitions(string layerId, long? version)
    {
        lock (_gate)
        {
            AdvanceLocked();
            long at = version ?? _version;
            if (at < 0 || !_revisions.TryGetValue(layerId, out SortedDictionary<string, List<EmulatorPartition>>? keys))
            {
                return [];
            }

            List<EmulatorPartition> result = [];
            foreach (List<EmulatorPartition> history in keys.Values)
            {
                EmulatorPartition? visible = history.LastOrDefault(r => r.Version <= at);
                if (visible is { DataHandle.Length: > 0 })
                {
                    result.Add(visible);
                }
            }

            return result;
        }
    }

    /// <summary>Every publication with its creation sequence (across catalogs), as records.</summary>
    public IReadOnlyList<(long Sequence, PublicationRecord Record)> SnapshotPublications()
    {
        lock (_gate)
        {
            AdvanceLocked();
            return [.. _publications.Select(p => (p.Sequence, p.ToRecord()))];
        }
    }

    /// <summary>The catalog versions made so far.</summary>
    public IReadOnlyList<CatalogVersionRecord> SnapshotVersions()
    {
        lock (_gate)
        {
            AdvanceLocked();
            return [.. _versions];
        }
    }

    private Publication? Find(string id) =>
        _byId.TryGetValue(id, out Publication? publication) && !(publication.IsEnded && Switches.EndedPublicationsNotFound) ? publication : null;

    private DataApiError? CheckStateLocked(string id, string verb)
    {
        Publication? publication = Find(id);
        if (publication is null)
        {
            return DataApiError.NotFound("publicationId", $"Publication {id} does not exist in catalog {Hrn}.");
        }

        return publication.State == PublicationStates.Initialized
            ? null
            : DataApiError.WithStatus(Switches.WrongStateStatus, "publicationId", $"Publication {id} is {publication.State} and cannot be {verb}; only an initialized publication can.");
    }

    private DataApiError? CheckAcceptsLocked(string id, string layerId)
    {
        if (CheckStateLocked(id, "given partitions") is { } error)
        {
            return error;
        }

        return _byId[id].LayerIds.Contains(layerId, StringComparer.Ordinal)
            ? null
            : DataApiError.WithStatus(Switches.LayerMismatchStatus, "layerId", $"Layer '{layerId}' is not one of the layers of publication {id}.");
    }

    private static DataApiError ActiveConflict(Publication other) =>
        DataApiError.Conflict("publicationId", $"Publication {other.Id} is {other.State}; only one active versioned publication per catalog is allowed.");

    /// <summary>Applies every time-driven change due by now: idle expiry (P14) and the end of processing (1.6).</summary>
    private DateTimeOffset AdvanceLocked()
    {
        DateTimeOffset now = Now;
        foreach (Publication publication in _publications)
        {
            if (publication.State == PublicationStates.Initialized && now >= publication.Expires)
            {
                publication.Partitions.Clear();
                publication.Move(PublicationStates.Expired, "Publication has expired", publication.Expires);
            }
        }

        foreach (Publication publication in _publications.Where(p => p.State == PublicationStates.Submitted).OrderBy(p => p.SubmittedAt).ToList())
        {
            DateTimeOffset due = publication.SubmittedAt!.Value + Switches.ProcessingDelay;
            if (now >= due)
            {
                Finish(publication, due);
            }
        }

        return now;
    }

    private void Finish(Publication publication, DateTimeOffset at)
    {
        if (Switches.Outcome == PublicationOutcome.Failed)
        {
            publication.Move(PublicationStates.Failed, Switches.FailureMessage, at);
            return;
        }

        if (Switches.HandleCheck == HandleCheckMode.FailAtProcessing && FirstMissingHandle(publication) is { } missing)
        {
            publication.Move(PublicationStates.Failed, missing, at);
            return;
        }

        if (publication.PartitionCount == 0 && !Switches.EmptyPublicationCreatesVersion)
        {
            publication.Move(PublicationStates.Succeeded, "Publication has succeeded without partitions; no new catalog version was made", at);
            return;
        }

        long version = _version + 1;
        foreach ((string layerId, Dictionary<string, PendingPartition> partitions) in publication.Partitions)
        {
            if (!_revisions.TryGetValue(layerId, out SortedDictionary<string, List<EmulatorPartition>>? keys))
            {
                keys = new SortedDictionary<string, List<EmulatorPartition>>(StringComparer.Ordinal);
                _revisions[layerId] = keys;
            }

            foreach (PendingPartition partition in partitions.Values)
            {
                if (!keys.TryGetValue(partition.Value.Partition, out List<EmulatorPartition>? history))
                {
                    history = [];
                    keys[partition.Value.Partition] = history;
                }

                history.Add(partition.Value.AtVersion(version));
            }
        }

        _version = version;
        _versions.Add(new CatalogVersionRecord(Hrn, version, publication.Id, at));
        publication.ResultVersion = version;
        publication.Move(PublicationStates.Succeeded, $"Publication has succeeded: catalog version {version}", at);
    }

    private string? FirstMissingHandle(Publication publication)
    {
        foreach ((string layerId, Dictionary<string, PendingPartition> partitions) in publication.Partitions)
        {
            foreach (PendingPartition partition in partitions.Values)
            {
                string handle = partition.Value.DataHandle;
                if (!partition.Inline && handle.Length > 0 && _service.FindVisibleBlob(Hrn, layerId, handle) is null)
                {
                    return $"Data handle '{handle}' of partition '{partition.Value.Partition}' in layer '{layerId}' names no completed blob.";
                }
            }
        }

        return null;
    }
}
