using System.Buffers;

namespace PartUploader.Internal.Protocol;

/// <summary>Reads a response body into memory with a size cap, so that no answer can make the client run out of memory.</summary>
internal static class BoundedBody
{
    /// <summary>The most bytes of a JSON answer (or an error body) the client reads: 1 MiB.</summary>
    public const int DefaultMaxBytes = 1024 * 1024;

    private const int ChunkSize = 16 * 1024;

    /// <summary>
    /// Reads the whole body, or returns null as soon as it is known to exceed <paramref name="maxBytes"/>
    /// (from its <c>Content-Length</c>, or after reading at most <paramref name="maxBytes"/> plus one chunk of 16 KiB).
    /// </summary>
    public static async Task<byte[]?> ReadAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength is long declared && declared > maxBytes)
        {
            return null;
        }

        Stream body = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            using var copy = new MemoryStream();
            byte[] chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
            try
            {
                while (true)
                {
                    int read = await body.ReadAsync(chunk.AsMemory(0, ChunkSize), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        return copy.ToArray();
                    }

                    if (copy.Length + read > maxBytes)
                    {
                        return null;
                    }

                    copy.Write(chunk, 0, read);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
        }
    }

    /// <summary>Reads the whole body as UTF-8 text, or returns null when it exceeds <paramref name="maxBytes"/>.</summary>
    public static async Task<string?> ReadStringAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        byte[]? bytes = await ReadAsync(content, maxBytes, cancellationToken).ConfigureAwait(false);
        return bytes is null ? null : System.Text.Encoding.UTF8.GetString(bytes);
    }
}
