namespace PartUploader.Emulator.Tests;

/// <summary>Waits for a journal entry through <see cref="RequestJournal"/>'s <c>Added</c> event (no polling).</summary>
internal static class JournalWaits
{
    /// <summary>Returns the first entry that matches, waiting for it when it is not there yet; fails after 30 seconds.</summary>
    public static async Task<JournalEntry> WaitForAsync(this RequestJournal journal, Func<JournalEntry, bool> match)
    {
        // Subscribe first, then look, so an entry added in between is not missed.
        TaskCompletionSource<JournalEntry> added = new(TaskCreationOptions.RunContinuationsAsynchronously);
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
}
