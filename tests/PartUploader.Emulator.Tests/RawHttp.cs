using System.Net.Sockets;
using System.Text;

namespace PartUploader.Emulator.Tests;

/// <summary>Sends hand-written HTTP/1.1 bytes, for requests HttpClient refuses to build.</summary>
public static class RawHttp
{
    public static async Task<string> SendAsync(Uri server, string head, byte[]? body = null)
    {
        using TcpClient client = new();
        await client.ConnectAsync(server.Host, server.Port);
        NetworkStream stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        if (body is not null)
        {
            await stream.WriteAsync(body);
        }

        byte[] buffer = new byte[16 * 1024];
        using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(10));
        int read = await stream.ReadAsync(buffer, timeout.Token);
        return Encoding.ASCII.GetString(buffer, 0, read);
    }
}
