using PartUploader.Internal.Protocol;

namespace PartUploader.Internal.Transfer;

/// <summary>What must hold before an interrupted upload is continued from its journal: the same upload, file and service.</summary>
internal static class ResumeCheck
{
    /// <exception cref="ArgumentException">The journal is of another upload, catalog or service.</exception>
    /// <exception cref="SourceChangedException">The file changed since the interrupted upload (<c>SourceChanged</c>).</exception>
    /// <exception cref="PartUploadException">The journal cannot be used (<c>JournalInvalid</c>).</exception>
    public static JournalRequest Prepare(string filePath, PartUploadOptions options, string journalPath, bool keepOnSuccess)
    {
        JournalState state = UploadJournal.Load(journalPath);
        if (state.LayerId != options.LayerId || state.DataHandle != options.DataHandle || state.ContentType != options.ContentType)
        {
            throw new ArgumentException($"The journal is of data handle '{state.DataHandle}' in layer '{state.LayerId}' ({state.ContentType}); the options name another upload.", nameof(options));
        }

        SourceIdentity now = SourceIdentity.Of(filePath);
        if (now != state.Source)
        {
            throw ErrorFactory.Create(
                new ErrorFacts($"The file changed since the interrupted upload (then {state.Source.Describe()}; now {now.Describe()}, or different content)", "Resume", PartUploadErrorCodes.SourceChanged)
                {
                    DataHandle = state.DataHandle,
                    UploadId = state.UploadId,
                },
                ErrorKind.SourceChanged);
        }

        return new JournalRequest(journalPath, now, state, keepOnSuccess);
    }

    /// <exception cref="ArgumentException">The journal belongs to another catalog or service than the endpoint's.</exception>
    public static void EnsureSameService(JournalRequest journal, BlobEndpoint endpoint)
    {
        if (!string.Equals(endpoint.BaseUrl.AbsoluteUri, journal.ResumeFrom!.BaseUrl, StringComparison.Ordinal))
        {
            throw new ArgumentException("The journal belongs to another catalog or service than this client's; the token is never sent to a host taken from a journal.", nameof(journal));
        }
    }
}
