namespace PartUploader.Emulator.Catalogs;

/// <summary>The publication states of spec publish-v2 1.4, spelled as on the wire.</summary>
internal static class PublicationStates
{
    public const string Initialized = "initialized";
    public const string Submitted = "submitted";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
    public const string Expired = "expired";

    public static bool IsEnded(string state) => state is Succeeded or Failed or Cancelled or Expired;
}

/// <summary>A partition uploaded to a publication; <see cref="Inline"/> when it carried inline <c>data</c> (P2).</summary>
internal sealed record PendingPartition(EmulatorPartition Value, bool Inline);

/// <summary>One publication of a catalog. Mutable; only touched under its <see cref="CatalogState"/>'s lock.</summary>
internal sealed class Publication
{
    public Publication(string id, string catalogHrn, IReadOnlyList<string> layerIds, long sequence, long baseVersion, DateTimeOffset started, TimeSpan idleExpiry)
    {
        Id = id;
        CatalogHrn = catalogHrn;
        LayerIds = layerIds;
        Sequence = sequence;
        BaseVersion = baseVersion;
        Started = started;
        Modified = started;
        Expires = started + idleExpiry;
        State = PublicationStates.Initialized;
        Message = "Publication has been initialized";
    }

    public string Id { get; }

    public string CatalogHrn { get; }

    public IReadOnlyList<string> LayerIds { get; }

    public long Sequence { get; }

    public long BaseVersion { get; }

    public DateTimeOffset Started { get; }

    public DateTimeOffset Modified { get; private set; }

    public DateTimeOffset Expires { get; }

    public string State { get; private set; }

    public string? Message { get; private set; }

    public DateTimeOffset? SubmittedAt { get; private set; }

    public long? ResultVersion { get; set; }

    /// <summary>Partitions by layer, then by key (last write wins).</summary>
    public Dictionary<string, Dictionary<string, PendingPartition>> Partitions { get; } = new(StringComparer.Ordinal);

    public int PartitionCount => Partitions.Values.Sum(p => p.Count);

    public bool IsEnded => PublicationStates.IsEnded(State);

    public void Touch(DateTimeOffset at) => Modified = at;

    public void Submit(DateTimeOffset at)
    {
        SubmittedAt = at;
        Move(PublicationStates.Submitted, "Publication has been submitted", at);
    }

    public void Move(string state, string? message, DateTimeOffset at)
    {
        State = state;
        Message = message;
        Modified = at;
    }

    public PublicationWire ToWire() => new(
        Id,
        CatalogId(CatalogHrn),
        BaseVersion,
        LayerIds,
        new PublicationDetailsWire(State, Message, Started.ToUnixTimeMilliseconds(), Modified.ToUnixTimeMilliseconds(), Expires.ToUnixTimeMilliseconds()));

    public PublicationRecord ToRecord() => new() { Id = Id, CatalogHrn = CatalogHrn, LayerIds = LayerIds, State = State, Message = Message, CatalogVersion = BaseVersion, PartitionCount = PartitionCount, SubmittedAt = SubmittedAt, ResultVersion = ResultVersion };

    /// <summary>The catalog ID: the last segment of the HRN.</summary>
    public static string CatalogId(string hrn) => hrn[(hrn.LastIndexOf(':') + 1)..];
}
