using System.Net;
using System.Net.Http.Headers;

namespace PartUploader.Internal.Transfer;

/// <summary>The body of one part attempt: streams the pooled buffer, with a known Content-Length (no chunked transfer, spec 2.2).</summary>
/// <remarks>A new instance per attempt; the buffer is shared and outlives it.</remarks>
internal sealed class PartContent : HttpContent
{
    private readonly PartBuffer _buffer;
    private readonly Action<int>? _written;
    private readonly StallWatchdog? _watchdog;

    public PartContent(PartBuffer buffer, string contentType, Action<int>? written, StallWatchdog? watchdog = null)
    {
        _buffer = buffer;
        _written = watchdog is null ? written : count =>
        {
            watchdog.Progress();
            written?.Invoke(count);
        };
        _watchdog = watchdog;
        Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        Headers.ContentLength = buffer.Length;
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        // The stall timeout runs from the first byte's write, not while the request waits for the window or a connection.
        _watchdog?.Progress();
        await _buffer.WriteToAsync(stream, _written, cancellationToken).ConfigureAwait(false);
        _watchdog?.BodySent();
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _buffer.Length;
        return true;
    }
}
