using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace PartUploader.Emulator.Internal;

/// <summary>The outcome of streaming a request body.</summary>
internal readonly record struct ReceivedBody(long Length, uint Crc32C, bool DigestMatches);

/// <summary>Streams a request body to a file (or nowhere) while computing its size and digests, never holding it whole.</summary>
internal static class BodyReceiver
{
    private const int ChunkSize = 1 << 20;

    /// <summary>Reads the body to its end. Reads and writes overlap (two pooled buffers).</summary>
    /// <param name="body">The request body.</param>
    /// <param name="filePath">Where to store the bytes, or null to discard them.</param>
    /// <param name="expectedLength">The declared length (used to preallocate the file).</param>
    /// <param name="digest">The digest to verify over the bytes as received, or null.</param>
    /// <param name="corruptFirstByte">Whether to flip the first stored byte (fault injection).</param>
    /// <param name="cancellationToken">The request's token.</param>
    public static async Task<ReceivedBody> ReceiveAsync(Stream body, string? filePath, long expectedLength, DigestCheck? digest, bool corruptFirstByte, CancellationToken cancellationToken)
    {
        System.IO.Hashing.Crc32 storedCrc = Crc32CMath.CreateHasher();

        // A CRC-32C digest over unaltered bytes is the stored CRC itself: hash once.
        bool separateDigest = digest is not null && (!digest.IsCrc32C || corruptFirstByte);
        byte[] first = ArrayPool<byte>.Shared.Rent(ChunkSize);
        byte[] second = ArrayPool<byte>.Shared.Rent(ChunkSize);
        SafeFileHandle? file = null;
        Task pendingWrite = Task.CompletedTask;
        long total = 0;
        try
        {
            if (filePath is not null)
            {
                file = File.OpenHandle(filePath, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.None, Math.Max(0, expectedLength));
            }

            byte[] current = first;
            while (true)
            {
                int filled = 0;
                while (filled < ChunkSize)
                {
                    int read = await body.ReadAsync(current.AsMemory(filled, ChunkSize - filled), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    filled += read;
                    if (filled >= ChunkSize)
                    {
                        break;
                    }
                }

                if (filled == 0)
                {
                    break;
                }

                ReadOnlySpan<byte> chunk = current.AsSpan(0, filled);
                if (separateDigest)
                {
                    digest!.Append(chunk);
                }

                if (corruptFirstByte && total == 0)
                {
                    current[0] ^= 0xFF;
                }

                storedCrc.Append(chunk);
                await pendingWrite.ConfigureAwait(false);
                if (file is not null)
                {
                    pendingWrite = RandomAccess.WriteAsync(file, current.AsMemory(0, filled), total, cancellationToken).AsTask();
                }

                total += filled;
                current = ReferenceEquals(current, first) ? second : first;
                if (filled < ChunkSize)
                {
                    break;
                }
            }

            await pendingWrite.ConfigureAwait(false);
            uint crc = storedCrc.GetCurrentHashAsUInt32();
            bool matches = digest is null || (separateDigest ? digest.Matches() : digest.MatchesCrc32C(crc));
            return new ReceivedBody(total, crc, matches);
        }
        finally
        {
            try
            {
                await pendingWrite.ConfigureAwait(false);
            }
            catch (IOException)
            {
                // The original failure is already propagating.
            }
            catch (OperationCanceledException)
            {
                // Same.
            }

            file?.Dispose();
            ArrayPool<byte>.Shared.Return(first);
            ArrayPool<byte>.Shared.Return(second);
        }
    }
}
