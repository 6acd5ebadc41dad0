namespace PartUploader.Emulator;

/// <summary>The emulator's record of every request. Thread-safe.</summary>
/// <remarks>The journal keeps at most <see cref="BlobEmulatorOptions.JournalCapacity"/> entries, dropping the oldest.</remarks>
public sealed class RequestJournal
{
    private readonly Lock _lock = new();
    private readonly Queue<JournalEntry> _entries = new();
    private readonly int _capacity;
    private long _sequence;

    internal RequestJournal(int capacity) => _capacity = Math.Max(1, capacity);

    /// <summary>Gets a snapshot of the entries in the order the requests finished (<see cref="JournalEntry.Sequence"/> gives the arrival order).</summary>
    public IReadOnlyList<JournalEntry> Entries
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>Removes every entry (sequence numbers keep counting).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _entries.Clear();
        }
    }

    /// <summary>Raised after an entry is added, outside the lock: lets tests wait for a request to finish without polling.</summary>
    internal event Action<JournalEntry>? Added;

    internal long NextSequence() => Interlocked.Increment(ref _sequence);

    internal void Add(JournalEntry entry)
    {
        lock (_lock)
        {
            if (_entries.Count >= _capacity)
            {
                _entries.Dequeue();
            }

            _entries.Enqueue(entry);
        }

        Added?.Invoke(entry);
    }
}
