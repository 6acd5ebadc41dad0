using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace PartUploader.Cli.Control;

/// <summary>A connection to one running upload's control channel (see <see cref="UploadControlServer"/>).</summary>
internal sealed class UploadControlClient : IDisposable
{
    private static readonly TimeSpan s_connectTimeout = TimeSpan.FromSeconds(5);
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;

    private UploadControlClient(NetworkStream stream, StreamReader reader, ControlHello hello)
    {
        _stream = stream;
        _reader = reader;
        Hello = hello;
    }

    public ControlHello Hello { get; }

    /// <summary>Connects to every running upload of this user and reads who it is; removes sockets nobody listens on.</summary>
    public static async Task<List<UploadControlClient>> ConnectAllAsync(int? onlyPid, CancellationToken cancellationToken)
    {
        var found = new List<UploadControlClient>();
        string directory = ControlDirectory.Path;
        if (!Directory.Exists(directory))
        {
            return found;
        }

        ControlDirectory.Ensure(); // owned by this user and 0700, or it throws: never trust sockets another user could plant

        IEnumerable<string> sockets = onlyPid is int pid
            ? [ControlDirectory.SocketPath(directory, pid)]
            : Directory.EnumerateFiles(directory, "*.sock");
        foreach (string path in sockets)
        {
            if (!File.Exists(path) || !int.TryParse(Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out int filePid))
            {
                continue;
            }

            UploadControlClient? client = await TryConnectAsync(path, cancellationToken).ConfigureAwait(false);
            if (client is null)
            {
                continue;
            }

            if (client.Hello.Pid != filePid)
            {
                client.Dispose();
                continue;
            }

            found.Add(client);
        }

        return found;
    }

    /// <summary>Asks the upload to cancel; returns false when it did not acknowledge.</summary>
    public async Task<bool> RequestCancelAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _stream.WriteAsync("cancel\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            ControlEvent? answer = await ReadEventAsync(cancellationToken).ConfigureAwait(false);
            return answer?.Event == "cancelling";
        }
        catch (Exception ex) when (ex is IOException or SocketException or JsonException)
        {
            return false; // the upload ended between its hello and the request
        }
    }

    /// <summary>Waits for the upload's <c>ended</c> event; null when the connection closed without one.</summary>
    public async Task<ControlEvent?> WaitEndedAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await ReadEventAsync(cancellationToken).ConfigureAwait(false) is { } next)
            {
                if (next.Event == "ended")
                {
                    return next;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or JsonException)
        {
        }

        return null;
    }

    public void Dispose()
    {
        _reader.Dispose();
        _stream.Dispose();
    }

    private static async Task<UploadControlClient?> TryConnectAsync(string path, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(s_connectTimeout);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), timeout.Token).ConfigureAwait(false);
            var stream = new NetworkStream(socket, ownsSocket: true);
            var reader = new StreamReader(stream, Encoding.UTF8, leaveOpen: true);
            string? line = await reader.ReadLineAsync(timeout.Token).ConfigureAwait(false);
            ControlHello? hello = line is null ? null : JsonSerializer.Deserialize(line, ControlJson.Default.ControlHello);
            if (hello is null)
            {
                reader.Dispose();
                await stream.DisposeAsync().ConfigureAwait(false);
                return null;
            }

            return new UploadControlClient(stream, reader, hello);
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionRefused or SocketError.AddressNotAvailable)
        {
            // Nobody listens: the upload that made it is gone. The directory is this user's own.
            socket.Dispose();
            TryDelete(path);
            return null;
        }
        catch (Exception ex) when (ex is IOException or SocketException or JsonException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            return null;
        }
    }

    private async Task<ControlEvent?> ReadEventAsync(CancellationToken cancellationToken)
    {
        string? line = await _reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        return line is null ? null : JsonSerializer.Deserialize(line, ControlJson.Default.ControlEvent);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }
}
