namespace PartUploader.Cli;

/// <summary>
/// What an upload reads, checked before any request: a regular file (uploaded by path, with parallel positional reads),
/// or a stream read once from start to end (standard input, a FIFO or another file that cannot seek).
/// </summary>
internal sealed class UploadSource : IDisposable
{
    private UploadSource(string display, string? filePath, Stream? stream, long? length)
    {
        Display = display;
        FilePath = filePath;
        Stream = stream;
        Length = length;
    }

    /// <summary>Gets what the user named, for messages.</summary>
    public string Display { get; }

    /// <summary>Gets the regular file to upload by path, or null for a stream.</summary>
    public string? FilePath { get; }

    /// <summary>Gets the stream to upload, or null for a regular file.</summary>
    public Stream? Stream { get; }

    /// <summary>Gets the length when known.</summary>
    public long? Length { get; }

    /// <summary>Opens the source; returns a message for exit code 2 when it cannot be uploaded.</summary>
    public static string? TryOpen(string path, out UploadSource? source)
    {
        source = null;
        if (path == "-")
        {
            if (StandardInputState.IsClosed())
            {
                return "Standard input is closed: there is nothing to read from '-'. Pipe data into it, or name a file.";
            }

            source = new UploadSource("stdin", null, new CancellableInputStream(Console.OpenStandardInput()), null);
            return null;
        }

        if (Directory.Exists(path))
        {
            return $"'{path}' is a directory; upload a file, or pipe data into '-'.";
        }

        if (!File.Exists(path))
        {
            return $"The file '{path}' does not exist.";
        }

        FileStream stream;
        try
        {
            // A FIFO blocks here until its writer opens it, as for any reader of a pipe.
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
        }
        catch (UnauthorizedAccessException)
        {
            return $"The file '{path}' cannot be read: permission denied.";
        }
        catch (IOException ex)
        {
            return $"The file '{path}' cannot be opened: {ex.Message}";
        }

        if (stream.CanSeek)
        {
            long length = stream.Length;
            stream.Dispose();
            source = new UploadSource(path, path, null, length);
            return null;
        }

        source = new UploadSource(path, null, stream, null);
        return null;
    }

    public void Dispose() => Stream?.Dispose();
}

/// <summary>Whether standard input was closed when the process started (<c>&lt;&amp;-</c>).</summary>
internal static class StandardInputState
{
    // O_CLOEXEC on Linux: descriptor 0 with close-on-exec was not inherited; the runtime opened it for itself.
    private const int CloseOnExec = 0x80000;

    /// <summary>
    /// True when descriptor 0 is not the standard input this process was started with. When it was started with
    /// descriptor 0 closed, the runtime reuses that number for a pipe of its own (opened close-on-exec, which an
    /// inherited descriptor never is), and a read from it would wait forever. Linux only; elsewhere false.
    /// </summary>
    public static bool IsClosed()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            foreach (string line in File.ReadLines("/proc/self/fdinfo/0"))
            {
                if (line.StartsWith("flags:", StringComparison.Ordinal))
                {
                    int flags = Convert.ToInt32(line["flags:".Length..].Trim(), 8);
                    return (flags & CloseOnExec) != 0;
                }
            }

            return false;
        }
        catch (FileNotFoundException)
        {
            return true; // no descriptor 0 at all
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return false;
        }
    }
}
