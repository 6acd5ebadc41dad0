using System.Net;
using System.Net.Http.Headers;

namespace PartUploader.Internal.Transfer;

/// <summary>The body of one part attempt: streams the pooled buffer, with a known Content-Length (no chunked transfer, spec 2.2).</summary>
/// <remarks>A new instance per attempt; the buffer is shared and outlives it.</remarks>
internal sealed class PartContent : HttpContent
{
    private readonly PartBuffer _buffer;
    private readonly Action<int>? _written;

    public PartContent(PartBuffer buffer, string contentType, Action<int>? written)
    {
        _buffer = buffer;
        _written = written;
        Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        Headers.ContentLength = buffer.Length;
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        _buffer.WriteToAsync(stream, _written, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        _buffer.WriteToAsync(stream, _written, cancellationToken);

    protected override bool TryComputeLength(out long length)
    {
        length = _buffer.Length;
        return true;
    }
}
