using System.Text.Json;
using System.Text.Json.Serialization;

namespace PartUploader.Internal.Publishing;

/// <summary>
/// The crash-safe record of one publication: its id, every item's partition id, source and data handle (chosen
/// before any upload, so a rerun uploads under the same handles), and whether it was submitted. The items'
/// uploads are journaled by the batch journal in <see cref="BatchDirectory"/>. Written whole to a temporary file,
/// flushed to disk and renamed over the previous state.
/// </summary>
internal sealed class PublicationJournal
{
    private const string FileName = "publication.json";
    private readonly string _directory;

    private PublicationJournal(string directory, PublicationJournalState state)
    {
        _directory = directory;
        State = state;
    }

    public PublicationJournalState State { get; private set; }

    public string BatchDirectory => Path.Combine(_directory, "batch");

    /// <summary>The journal of an earlier run in <paramref name="directory"/>, or null when there is none.</summary>
    public static PublicationJournal? TryOpen(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        PublicationJournalState? state;
        try
        {
            state = JsonSerializer.Deserialize(File.ReadAllText(path), PublicationJournalJson.Default.PublicationJournalState);
        }
        catch (JsonException ex)
        {
            throw Invalid($"the publication journal '{path}' cannot be read ({ex.Message})");
        }

        return state is { PublicationId.Length: > 0, Items: not null } ? new PublicationJournal(directory, state) : throw Invalid($"the publication journal '{path}' is incomplete");
    }

    public static PublicationJournal Create(string directory, PublicationJournalState state)
    {
        Directory.CreateDirectory(directory);
        var journal = new PublicationJournal(directory, state);
        journal.Write();
        return journal;
    }

    public void MarkSubmitted()
    {
        State = State with { Submitted = true };
        Write();
    }

    /// <summary>Removes the journal once it has nothing left to resume (success, or a publication that ended otherwise).</summary>
    public void Delete()
    {
        File.Delete(Path.Combine(_directory, FileName));
        if (Directory.Exists(BatchDirectory))
        {
            Directory.Delete(BatchDirectory, recursive: true);
        }
    }

    /// <summary>A journal entry for an item: a new handle, and a file's identity (length, last write time) to detect a changed file on resume.</summary>
    public static PublicationJournalItem NewItem(PublishItem item)
    {
        FileInfo? file = item.FilePath is null ? null : new FileInfo(item.FilePath);
        return new PublicationJournalItem(item.PartitionId, item.Source, PublicationUploads.NewHandle(), file?.Length, file?.LastWriteTimeUtc);
    }

    /// <summary>Checks that a rerun publishes the same, unchanged items to the same catalog and layer.</summary>
    public void EnsureSame(string catalog, string layerId, IReadOnlyList<PublishItem> items)
    {
        bool same = State.Catalog == catalog && State.LayerId == layerId && State.Items.Count == items.Count
            && State.Items.Zip(items).All(p => p.First.PartitionId == p.Second.PartitionId && p.First.Source == p.Second.Source && Unchanged(p.First, p.Second));
        if (!same)
        {
            throw Invalid($"the publication journal in '{_directory}' is for publication {State.PublicationId} of other items (or of files changed since), another layer or catalog: rerun with the same unchanged items, or use another JournalDirectory");
        }
    }

    private static bool Unchanged(PublicationJournalItem recorded, PublishItem item)
    {
        if (recorded.Size is null || item.FilePath is null)
        {
            return true;
        }

        var file = new FileInfo(item.FilePath);
        return file.Exists && file.Length == recorded.Size && file.LastWriteTimeUtc == recorded.Modified;
    }

    private void Write()
    {
        string path = Path.Combine(_directory, FileName);
        string temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(file, State, PublicationJournalJson.Default.PublicationJournalState);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    private static PartUploadException Invalid(string what) =>
        new(PartUploadException.FormatMessage($"The publication cannot be resumed: {what}", "ResumePublication", 0, PartUploadErrorCodes.JournalInvalid))
        {
            ErrorCode = PartUploadErrorCodes.JournalInvalid,
            Operation = "ResumePublication",
        };
}

/// <summary>What <see cref="PublicationJournal"/> keeps.</summary>
internal sealed record PublicationJournalState(string PublicationId, string Catalog, string LayerId, long? BaseVersion, IReadOnlyList<PublicationJournalItem> Items, bool Submitted);

/// <summary>One item of a journaled publication.</summary>
/// <param name="PartitionId">The partition id.</param>
/// <param name="Source">Where the bytes come from.</param>
/// <param name="DataHandle">The handle chosen for it before any upload.</param>
/// <param name="Size">A file's length when the journal was written (null for a stream).</param>
/// <param name="Modified">A file's last write time (UTC) when the journal was written (null for a stream).</param>
internal sealed record PublicationJournalItem(string PartitionId, string Source, string DataHandle, long? Size = null, DateTime? Modified = null);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(PublicationJournalState))]
internal sealed partial class PublicationJournalJson : JsonSerializerContext;
