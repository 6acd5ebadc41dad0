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

    /// <summary>Checks that a rerun publishes the same items to the same catalog and layer.</summary>
    public void EnsureSame(string catalog, string layerId, IReadOnlyList<PublishItem> items)
    {
        bool same = State.Catalog == catalog && State.LayerId == layerId && State.Items.Count == items.Count
            && State.Items.Zip(items).All(p => p.First.PartitionId == p.Second.PartitionId && p.First.Source == p.Second.Source);
        if (!same)
        {
            throw Invalid($"the publication journal in '{_directory}' is for publication {State.PublicationId} of other items, layer or catalog: rerun with the same items, or use another JournalDirectory");
        }
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
internal sealed record PublicationJournalItem(string PartitionId, string Source, string DataHandle);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(PublicationJournalState))]
internal sealed partial class PublicationJournalJson : JsonSerializerContext;
