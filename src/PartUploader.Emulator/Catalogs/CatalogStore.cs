using PartUploader.Emulator.Index;
using PartUploader.Emulator.Internal;

namespace PartUploader.Emulator.Catalogs;

/// <summary>The publishing state of every configured catalog: versions and publications (<see cref="CatalogState"/>) and index records.</summary>
internal sealed class CatalogStore
{
    private readonly Dictionary<string, CatalogState> _states = new(StringComparer.Ordinal);
    private long _sequence;

    public CatalogStore(EmulatorService service)
    {
        Service = service;
        foreach (string hrn in service.CatalogHrns)
        {
            _states[hrn] = new CatalogState(service, hrn);
        }
    }

    /// <summary>The blob and layer state the data APIs check against.</summary>
    public EmulatorService Service { get; }

    public IndexStore Index { get; } = new();

    /// <summary>The state of a configured catalog, or null.</summary>
    public CatalogState? Find(string hrn) => _states.GetValueOrDefault(hrn);

    /// <summary>A creation sequence number shared by all catalogs (orders <see cref="Publications"/>).</summary>
    public long NextSequence() => Interlocked.Increment(ref _sequence);

    /// <summary>Every publication of every catalog, in init order, advanced to now.</summary>
    public IReadOnlyList<PublicationRecord> Publications() =>
        [.. _states.Values.SelectMany(s => s.SnapshotPublications()).OrderBy(p => p.Sequence).Select(p => p.Record)];

    /// <summary>Every catalog version made so far, by catalog then version.</summary>
    public IReadOnlyList<CatalogVersionRecord> Versions() => [.. _states.Values.SelectMany(s => s.SnapshotVersions())];
}
