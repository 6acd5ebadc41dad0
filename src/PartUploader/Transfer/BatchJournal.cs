using System.Text.Json;
using System.Text.Json.Serialization;

namespace PartUploader.Internal.Transfer;

/// <summary>
/// A batch's crash-safe record in its own directory: <c>batch.jsonl</c>, appended and flushed to disk line by line
/// (an item <c>started</c>, an item <c>completed</c> with what was stored), and beside it one upload journal per
/// multipart file item in flight (<c>&lt;handle&gt;.upload-journal</c>), kept until the completion is recorded.
/// </summary>
/// <remarks>A rerun of the same batch skips completed items, resumes items in flight from their upload journals and starts the rest.</remarks>
internal sealed class BatchJournal
{
    private const string FileName = "batch.jsonl";
    private readonly string _directory;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, BatchJournalEntry> _completed = new(StringComparer.Ordinal);
    private readonly HashSet<string> _started = new(StringComparer.Ordinal);

    private BatchJournal(string directory) => _directory = directory;

    public static BatchJournal Open(string directory)
    {
        Directory.CreateDirectory(directory);
        var journal = new BatchJournal(directory);
        string path = Path.Combine(directory, FileName);
        if (File.Exists(path))
        {
            foreach (string line in File.ReadLines(path))
            {
                // A line cut short by a crash is the last one and holds no completion: skip it.
                BatchJournalEntry? entry = TryParse(line);
                if (entry?.Kind == "completed")
                {
                    journal._completed[entry.Handle] = entry;
                }
                else if (entry?.Kind == "started")
                {
                    journal._started.Add(entry.Handle);
                }
            }
        }

        return journal;
    }

    public string UploadJournalPath(string dataHandle) => Path.Combine(_directory, dataHandle + ".upload-journal");

    public bool TryGetCompleted(string dataHandle, out BatchJournalEntry entry)
    {
        lock (_gate)
        {
            return _completed.TryGetValue(dataHandle, out entry!);
        }
    }

    public bool WasStarted(string dataHandle)
    {
        lock (_gate)
        {
            return _started.Contains(dataHandle);
        }
    }

    public void RecordStarted(string dataHandle, string source) =>
        Append(new BatchJournalEntry { Kind = "started", Handle = dataHandle, Source = source });

    public void RecordCompleted(string dataHandle, string source, PartUploadResult result)
    {
        Append(new BatchJournalEntry
        {
            Kind = "completed",
            Handle = dataHandle,
            Source = source,
            Size = result.Size,
            Multipart = result.Multipart,
            PartCount = result.PartCount,
            Crc32C = result.Crc32C,
            Md5 = result.Md5,
            Sha1 = result.Sha1,
            Sha256 = result.Sha256,
        });
        File.Delete(UploadJournalPath(dataHandle));
    }

    private void Append(BatchJournalEntry entry)
    {
        string line = JsonSerializer.Serialize(entry, BatchJournalJson.Default.BatchJournalEntry) + "\n";
        lock (_gate)
        {
            using (var file = new FileStream(Path.Combine(_directory, FileName), FileMode.Append, FileAccess.Write, FileShare.Read))
            {
                file.Write(System.Text.Encoding.UTF8.GetBytes(line));
                file.Flush(flushToDisk: true);
            }

            if (entry.Kind == "completed")
            {
                _completed[entry.Handle] = entry;
            }
            else
            {
                _started.Add(entry.Handle);
            }
        }
    }

    private static BatchJournalEntry? TryParse(string line)
    {
        try
        {
            return JsonSerializer.Deserialize(line, BatchJournalJson.Default.BatchJournalEntry);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>One line of a batch journal.</summary>
internal sealed record BatchJournalEntry
{
    public required string Kind { get; init; }

    public required string Handle { get; init; }

    public required string Source { get; init; }

    public long Size { get; init; }

    public bool Multipart { get; init; }

    public int PartCount { get; init; }

    public uint Crc32C { get; init; }

    public string? Md5 { get; init; }

    public string? Sha1 { get; init; }

    public string? Sha256 { get; init; }

    /// <summary>What the journal recorded as stored, as a result (no timing or part numbers: this run sent nothing).</summary>
    public PartUploadResult ToResult() => new()
    {
        DataHandle = Handle,
        Size = Size,
        Multipart = Multipart,
        PartSize = 0,
        PartCount = PartCount,
        PartNumbers = [],
        Retries = 0,
        Crc32C = Crc32C,
        Md5 = Md5,
        Sha1 = Sha1,
        Sha256 = Sha256,
        VerifiedRanges = 0,
        Elapsed = TimeSpan.Zero,
        ResumedParts = PartCount,
        ResumedBytes = Size,
    };
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BatchJournalEntry))]
internal sealed partial class BatchJournalJson : JsonSerializerContext;
