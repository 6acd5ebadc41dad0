using System.Net.Sockets;
using System.Text;

namespace PartUploader.Cli.Control;

/// <summary>
/// The control channel of a running upload: a Unix domain socket <c>&lt;pid&gt;.sock</c> in <see cref="ControlDirectory"/>.
/// A client reads the upload's <see cref="ControlHello"/>, may send <c>cancel</c>, and then hears <c>cancelling</c> and,
/// when the upload has ended, <c>ended</c> with what happened on the server. Nothing is ever signalled by process id.
/// </summary>
internal sealed class UploadControlServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly string _path;
    private readonly string _hello;
    private readonly Action _cancel;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly List<Stream> _waiting = [];
    private readonly Task _accepting;
    private string? _ended;

    private UploadControlServer(Socket listener, string path, ControlHello hello, Action cancel)
    {
        _listener = listener;
        _path = path;
        _hello = ControlJson.Line(hello);
        _cancel = cancel;
        _accepting = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Starts listening; returns null (with a warning on <paramref name="error"/>) when the channel cannot be opened.</summary>
    public static UploadControlServer? TryStart(ControlHello hello, Action cancel, TextWriter error)
    {
        string? path = null;
        Socket? listener = null;
        try
        {
            path = ControlDirectory.SocketPath(ControlDirectory.Ensure(), hello.Pid);
            File.Delete(path); // a file of a dead process with this same pid
            listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(path));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            listener.Listen(4);
            return new UploadControlServer(listener, path, hello, cancel);
        }
        catch (Exception ex) when (ex is IOException or SocketException or UnauthorizedAccessException or ArgumentException)
        {
            listener?.Dispose();
            error.WriteLine($"partupload: warning: 'partupload cancel' cannot reach this upload: {ex.Message}");
            return null;
        }
    }

    /// <summary>Tells every client waiting on a cancel how the upload ended, and closes their connections.</summary>
    public void Ended(ControlEvent outcome)
    {
        Stream[] waiting;
        lock (_lock)
        {
            _ended ??= ControlJson.Line(outcome); // the first outcome is the real one; disposal only closes
            waiting = [.. _waiting];
            _waiting.Clear();
        }

        foreach (Stream stream in waiting)
        {
            TryWrite(stream, _ended!);
            stream.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        try
        {
            await _accepting.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        Ended(new ControlEvent { Event = "ended", Message = "the upload process exited" });
        try
        {
            File.Delete(_path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        var stream = new NetworkStream(client, ownsSocket: true);
        bool keep = false;
        try
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(_hello), _stop.Token).ConfigureAwait(false);
            using var reader = new StreamReader(stream, Encoding.UTF8, leaveOpen: true);
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            idle.CancelAfter(TimeSpan.FromSeconds(30));
            string? line = await reader.ReadLineAsync(idle.Token).ConfigureAwait(false);
            if (line?.Trim() != "cancel")
            {
                return;
            }

            // Acknowledge and register as a waiter before cancelling: the upload may end (and close this server) at once.
            await stream.WriteAsync(Encoding.UTF8.GetBytes(ControlJson.Line(new ControlEvent { Event = "cancelling" })), CancellationToken.None).ConfigureAwait(false);
            string? ended;
            lock (_lock)
            {
                ended = _ended;
                if (ended is null)
                {
                    _waiting.Add(stream);
                    keep = true;
                }
            }

            if (ended is not null)
            {
                TryWrite(stream, ended);
            }

            _cancel();
        }
#pragma warning disable CA1031 // A fire-and-forget connection handler: no failure of one client may fault the upload.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
        finally
        {
            if (!keep)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static void TryWrite(Stream stream, string line)
    {
        try
        {
            stream.Write(Encoding.UTF8.GetBytes(line));
            stream.Flush();
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
        }
    }
}
