using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using PartUploader.Internal.Protocol;

namespace PartUploader.Internal.Transfer;

/// <summary>
/// The crash-safe record of one multipart upload of a file: its links, plan, source identity, every
/// acknowledged part and how far part numbers may have been issued. Written atomically (write, flush,
/// rename) after each acknowledged part; never holds a bearer token.
/// </summary>
internal sealed class UploadJournal
{
    /// <summary>Numbers reserved in the journal at a time before any is issued, so a crash never leaves an issued number unrecorded.</summary>
    public const int ReserveBlock = 32;

    private readonly string _path;
    private readonly Lock _gate = new();

    public UploadJournal(string path, JournalState state)
    {
        _path = Path.GetFullPath(path);
        State = state;
    }

    public JournalState State { get; }

    public string FileName => Path.GetFileName(_path);

    /// <summary>Applies <paramref name="change"/> and writes the journal: to a temporary file beside it, flushed to disk, then renamed over it.</summary>
    public void Save(Action<JournalState>? change = null)
    {
        lock (_gate)
        {
            change?.Invoke(State);
            SaveLocked();
        }
    }

    /// <summary>Records that numbers up to <paramref name="number"/> may be issued, saving first when that is beyond what the journal holds.</summary>
    public void EnsureReserved(int number)
    {
        lock (_gate)
        {
            if (number > State.NumbersReservedThrough)
            {
                State.NumbersReservedThrough = Math.Min(BlobLimits.MaxPartNumber, number + ReserveBlock);
                SaveLocked();
            }
        }
    }

    public void Delete()
    {
        try
        {
            File.Delete(_path);
        }
        catch (IOException)
        {
            // Best effort: a leftover journal of a finished upload fails its resume loudly, never silently.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private void SaveLocked()
    {
        string temp = _path + ".tmp";
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(State, JournalJsonContext.Default.JournalState);
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
        {
            file.Write(json);
            file.Flush(flushToDisk: true);
        }

        File.Move(temp, _path, overwrite: true);
    }

    public static JournalState Load(string path)
    {
        try
        {
            using FileStream file = File.OpenRead(path);
            JournalState? state = JsonSerializer.Deserialize(file, JournalJsonContext.Default.JournalState);
            if (state is null || state.Version != JournalState.CurrentVersion || state.Links is null || state.Source is null)
            {
                throw Invalid(path, "it is not a PartUploader journal of this version");
            }

            return state;
        }
        catch (JsonException)
        {
            throw Invalid(path, "it is not valid JSON");
        }
        catch (FileNotFoundException)
        {
            throw Invalid(path, "it does not exist");
        }
        catch (DirectoryNotFoundException)
        {
            throw Invalid(path, "it does not exist");
        }
    }

    private static PartUploadException Invalid(string path, string why) =>
        ErrorFactory.Refused($"The upload journal '{Path.GetFileName(path)}' cannot be used: {why}", "Resume", PartUploadErrorCodes.JournalInvalid);
}

/// <summary>The identity of a source file: its length, last write time and the SHA-256 of its first and last MiB.</summary>
internal sealed record SourceIdentity(long Length, long LastWriteUtcTicks, string HeadSha256, string TailSha256)
{
    private const int Window = 1024 * 1024;

    public static SourceIdentity Of(string path)
    {
        var info = new FileInfo(path);
        using FileStream file = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
        long length = file.Length;
        byte[] buffer = new byte[(int)Math.Min(Window, length)];
        file.ReadExactly(buffer);
        string head = Convert.ToHexStringLower(SHA256.HashData(buffer));
        file.Position = Math.Max(0, length - buffer.Length);
        file.ReadExactly(buffer);
        string tail = Convert.ToHexStringLower(SHA256.HashData(buffer));
        return new SourceIdentity(length, info.LastWriteTimeUtc.Ticks, head, tail);
    }

    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"{Length} bytes, written {new DateTime(LastWriteUtcTicks, DateTimeKind.Utc):O}");
}

internal sealed class JournalState
{
    public const int CurrentVersion = 1;

    public int Version { get; set; } = CurrentVersion;

    public required string BaseUrl { get; set; }

    public required string LayerId { get; set; }

    public required string DataHandle { get; set; }

    public required string ContentType { get; set; }

    public string? ContentEncoding { get; set; }

    public required string UploadId { get; set; }

    public required JournalLinks Links { get; set; }

    public required SourceIdentity Source { get; set; }

    public long TotalLength { get; set; }

    public long PartSize { get; set; }

    public int PartCount { get; set; }

    public int NumbersReservedThrough { get; set; }

    public bool Completing { get; set; }

    public List<JournalPart> Acknowledged { get; set; } = [];

    public List<int> IssuedNumbers { get; set; } = [];
}

internal sealed record JournalLinks(BlobLinkTarget UploadPart, BlobLinkTarget Complete, BlobLinkTarget Status, BlobLinkTarget Delete);

internal sealed record JournalPart(int Index, int Number, string ETag, uint Crc32C, string? Digest, long Offset, long Length, bool Retried);

[JsonSourceGenerationOptions(WriteIndented = false, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(JournalState))]
internal sealed partial class JournalJsonContext : JsonSerializerContext
{
}
