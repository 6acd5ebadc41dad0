using System.Text;
using System.Text.RegularExpressions;
using PartUploader.Internal.Validation;

namespace PartUploader;

/// <summary>Lists a directory's files as batch items: globs, the handle rule, and every check before any request.</summary>
internal static class DirectoryItems
{
    public static IReadOnlyList<BatchUploadItem> List(string directory, DirectoryUploadOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string root = Path.GetFullPath(directory);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The directory '{directory}' does not exist.");
        }

        Regex[] include = [.. options.Include.Select(Glob)];
        Regex[] exclude = [.. options.Exclude.Select(Glob)];
        var items = new List<BatchUploadItem>();
        var byHandle = new Dictionary<string, string>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (string relative in Files(root).Order(StringComparer.Ordinal))
        {
            if ((include.Length > 0 && !include.Any(g => g.IsMatch(relative))) || exclude.Any(g => g.IsMatch(relative)))
            {
                continue;
            }

            string handle = options.HandleSelector?.Invoke(relative)
                ?? (options.HandleNaming == DataHandleNaming.Uuid ? Guid.NewGuid().ToString("D") : FromRelativePath(options.HandlePrefix, relative));
            try
            {
                UploadValidation.ValidateDataHandle(handle, options.MaxDataHandleLength, "handle");
            }
            catch (ArgumentException ex)
            {
                problems.Add($"'{relative}' -> '{handle}': {ex.Message.Split(" (Parameter", 2)[0]}");
                continue;
            }

            if (byHandle.TryGetValue(handle, out string? other))
            {
                problems.Add($"'{other}' and '{relative}' both map to the handle '{handle}'");
                continue;
            }

            byHandle.Add(handle, relative);
            items.Add(BatchUploadItem.FromFile(Path.Combine(root, relative.Replace('/', Path.DirectorySeparatorChar)), handle));
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"The directory '{directory}' cannot be uploaded as given ({problems.Count} problem(s)): {string.Join("; ", problems.Take(20))}", nameof(directory));
        }

        return items.Count > 0 ? items : throw new ArgumentException($"The directory '{directory}' has no file to upload (after the include and exclude globs).", nameof(directory));
    }

    /// <summary>The full path of a directory and the relative paths ('/'-separated, ordinal order) of its files that the globs select.</summary>
    public static (string Root, IReadOnlyList<string> Files) ListRelative(string directory, IReadOnlyList<string> include, IReadOnlyList<string> exclude)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string root = Path.GetFullPath(directory);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The directory '{directory}' does not exist.");
        }

        Regex[] includes = [.. include.Select(Glob)];
        Regex[] excludes = [.. exclude.Select(Glob)];
        List<string> files = [.. Files(root).Order(StringComparer.Ordinal)
            .Where(relative => (includes.Length == 0 || includes.Any(g => g.IsMatch(relative))) && !excludes.Any(g => g.IsMatch(relative)))];
        return files.Count > 0 ? (root, files) : throw new ArgumentException($"The directory '{directory}' has no file to upload (after the include and exclude globs).", nameof(directory));
    }

    /// <summary>The documented rule of <see cref="DataHandleNaming.RelativePath"/>.</summary>
    internal static string FromRelativePath(string? prefix, string relative)
    {
        var handle = new StringBuilder(prefix);
        string[] segments = relative.Split('/');
        for (int i = 0; i < segments.Length; i++)
        {
            if (i > 0)
            {
                handle.Append('.');
            }

            foreach (char c in segments[i])
            {
                handle.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '-');
            }
        }

        return handle.ToString();
    }

    /// <summary>Relative paths ('/'-separated) of the files below <paramref name="root"/>; links to directories are not followed.</summary>
    private static IEnumerable<string> Files(string root)
    {
        var pending = new Stack<string>([root]);
        while (pending.Count > 0)
        {
            string current = pending.Pop();
            foreach (FileSystemInfo entry in new DirectoryInfo(current).EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo sub)
                {
                    if (sub.LinkTarget is null)
                    {
                        pending.Push(sub.FullName);
                    }
                }
                else
                {
                    yield return Path.GetRelativePath(root, entry.FullName).Replace(Path.DirectorySeparatorChar, '/');
                }
            }
        }
    }

    private static Regex Glob(string glob)
    {
        var pattern = new StringBuilder("^");
        for (int i = 0; i < glob.Length; i++)
        {
            char c = glob[i];
            if (c == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                bool slash = i + 2 < glob.Length && glob[i + 2] == '/';
                pattern.Append(slash ? "(.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else
            {
                pattern.Append(c switch { '*' => "[^/]*", '?' => "[^/]", _ => Regex.Escape(c.ToString()) });
            }
        }

        return new Regex(pattern.Append('$').ToString(), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }
}
