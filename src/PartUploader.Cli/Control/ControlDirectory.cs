namespace PartUploader.Cli.Control;

/// <summary>
/// Where running uploads expose their control sockets: a directory only this user can enter
/// (<c>$PARTUPLOAD_RUNTIME_DIR</c>, else <c>$XDG_RUNTIME_DIR/partupload</c>, else <c>~/.partupload/run</c>), mode 0700.
/// </summary>
internal static class ControlDirectory
{
    public const string EnvironmentVariable = "PARTUPLOAD_RUNTIME_DIR";

    public static string Path
    {
        get
        {
            string? configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrWhiteSpace(configured))
            {
                return System.IO.Path.GetFullPath(configured);
            }

            string? runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
            return !string.IsNullOrWhiteSpace(runtime) && Directory.Exists(runtime)
                ? System.IO.Path.Combine(runtime, "partupload")
                : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".partupload", "run");
        }
    }

    /// <summary>Creates the directory when missing (0700 on Unix) and returns it.</summary>
    public static string Ensure()
    {
        string path = Path;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            // CreateDirectory leaves an existing directory as it is: set the mode too, which also fails unless this
            // user owns it, so a directory another user prepared is never trusted.
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    public static string SocketPath(string directory, int processId) =>
        System.IO.Path.Combine(directory, processId.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".sock");
}
