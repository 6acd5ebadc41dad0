using PartUploader.Emulator;

namespace PartUploader.Cli.Tests;

/// <summary>
/// Waits for journal entries through the journal's <c>Added</c> event (no polling, no sleeps): the emulator journals a
/// request after answering it, so a CLI process can exit before the entry of its last request is there.
/// </summary>
internal static class JournalWaits
{
    /// <summary>Returns the first entry that matches, waiting for it when it is not there yet; fails after 30 seconds.</summary>
    public static async Task<JournalEntry> WaitForAsync(this RequestJournal journal, Func<JournalEntry, bool> match)
    {
        // Subscribe first, then look, so an entry added in between is not missed.
        var added = new TaskCompletionSource<JournalEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnAdded(JournalEntry entry)
        {
            if (match(entry))
            {
                added.TrySetResult(entry);
            }
        }

        journal.Added += OnAdded;
        try
        {
            return journal.Entries.FirstOrDefault(match) ?? await added.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            journal.Added -= OnAdded;
        }
    }

    /// <summary>The blob-service requests about one data handle (start, parts, complete, status, put, head, get, delete), in arrival order.</summary>
    public static JournalEntry[] ForHandle(this RequestJournal journal, string handle) =>
        [.. journal.Entries.Where(e => e.IsAbout(handle)).OrderBy(e => e.Sequence)];

    public static bool IsFor(this JournalEntry entry, EmulatorOperation operation, string handle) =>
        entry.Operation == operation && entry.IsAbout(handle);

    private static bool IsAbout(this JournalEntry entry, string handle) =>
        entry.Path.EndsWith("/data/" + handle, StringComparison.Ordinal) || entry.Path.Contains("/data/" + handle + "/", StringComparison.Ordinal);
}
