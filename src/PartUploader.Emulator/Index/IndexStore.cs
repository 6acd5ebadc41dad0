namespace PartUploader.Emulator.Index;

/// <summary>The index records of every index layer (spec publish-v2 section 2). Thread-safe; inserts are all or nothing.</summary>
internal sealed class IndexStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<EmulatorIndexRecord>> _records = new(StringComparer.Ordinal);
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);

    /// <summary>Inserts records; returns the first ID already indexed (nothing is inserted then), or null.</summary>
    public string? Insert(string catalogHrn, string layerId, IReadOnlyList<EmulatorIndexRecord> records)
    {
        lock (_gate)
        {
            HashSet<string> batch = new(StringComparer.Ordinal);
            foreach (EmulatorIndexRecord record in records)
            {
                if (_ids.Contains(Key(catalogHrn, layerId, record.Id)) || !batch.Add(record.Id))
                {
                    return record.Id;
                }
            }

            string layerKey = catalogHrn + "\n" + layerId;
            if (!_records.TryGetValue(layerKey, out List<EmulatorIndexRecord>? list))
            {
                list = [];
                _records[layerKey] = list;
            }

            foreach (EmulatorIndexRecord record in records)
            {
                _ids.Add(Key(catalogHrn, layerId, record.Id));
                list.Add(record);
            }

            return null;
        }
    }

    /// <summary>The records of a layer, in insertion order.</summary>
    public IReadOnlyList<EmulatorIndexRecord> Read(string catalogHrn, string layerId)
    {
        lock (_gate)
        {
            return _records.TryGetValue(catalogHrn + "\n" + layerId, out List<EmulatorIndexRecord>? list) ? [.. list] : [];
        }
    }

    private static string Key(string catalogHrn, string layerId, string id) => catalogHrn + "\n" + layerId + "\n" + id;
}
