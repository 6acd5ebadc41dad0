using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace PartUploader.Emulator.Internal;

/// <summary>The emulator's state and request handlers; one instance per <see cref="BlobEmulator"/>.</summary>
internal sealed partial class EmulatorService : IDisposable
{
    private readonly ConcurrentDictionary<string, UploadSession> _uploads = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, BlobEntry> _blobs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Key, BlobEntry Entry)> _storageKeys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, EmulatorLayer>> _catalogs;
    private readonly byte[] _storageSigningKey = RandomNumberGenerator.GetBytes(32);
    private readonly CancellationTokenSource _stopping = new();
    private long _uploadSequence;
    private long _fileSequence;

    public EmulatorService(BlobEmulatorOptions options, string dataDirectory, string accessKeyId, string accessKeySecret)
    {
        Options = options;
        DataDirectory = dataDirectory;
        Journal = new RequestJournal(options.JournalCapacity);
        Logger = options.LoggerFactory?.CreateLogger("PartUploader.Emulator") ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        Tokens = new TokenStore(options.TimeProvider);
        OAuth = new OAuthVerifier(accessKeyId, accessKeySecret, options.TimeProvider);
        _catalogs = new Dictionary<string, Dictionary<string, EmulatorLayer>>(StringComparer.Ordinal);
        foreach (EmulatorCatalog catalog in options.Catalogs)
        {
            Dictionary<string, EmulatorLayer> layers = new(StringComparer.Ordinal);
            foreach (EmulatorLayer layer in catalog.Layers)
            {
                layers[layer.Id] = new EmulatorLayer
                {
                    Id = layer.Id,
                    ContentType = layer.ContentType,
                    ContentEncoding = layer.ContentEncoding,
                    LayerType = layer.LayerType,
                    Digest = layer.Digest,
                    Crc = layer.Crc,
                    PartitioningScheme = layer.PartitioningScheme,
                    TileLevels = [.. layer.TileLevels],
                    IndexDefinitions = [.. layer.IndexDefinitions.Select(d => new EmulatorIndexDefinition { Name = d.Name, Type = d.Type, Duration = d.Duration, ZoomLevel = d.ZoomLevel })],
                    IndexTtl = layer.IndexTtl,
                };
            }

            _catalogs[catalog.Hrn] = layers;
        }

        Directory.CreateDirectory(Path.Combine(dataDirectory, "uploads"));
        Directory.CreateDirectory(Path.Combine(dataDirectory, "blobs"));
    }

    public BlobEmulatorOptions Options { get; }

    public string DataDirectory { get; }

    public RequestJournal Journal { get; }

    public Microsoft.Extensions.Logging.ILogger Logger { get; }

    public FaultPlan Faults { get; } = new();

    public BlobServiceLoad Load { get; } = new();

    /// <summary>Raised when a <see cref="FaultKind.StallBody"/> fault stops reading a body, with the bytes read so far (tests).</summary>
    public event Action<long>? BodyStalled;

    public void OnBodyStalled(long bytesRead) => BodyStalled?.Invoke(bytesRead);

    public TokenStore Tokens { get; }

    public OAuthVerifier OAuth { get; }

    /// <summary>The service root, e.g. <c>http://127.0.0.1:PORT/</c>; set once Kestrel has bound.</summary>
    public Uri ServiceUrl { get; set; } = new("http://127.0.0.1/");

    private TimeProvider Clock => Options.TimeProvider;

    public static string BlobKey(string catalogHrn, string layerId, string dataHandle) => catalogHrn + "\n" + layerId + "\n" + dataHandle;

    public IReadOnlyList<UploadRecord> SnapshotUploads() =>
        [.. _uploads.Values.OrderBy(u => u.Sequence).Select(u => u.ToRecord())];

    public bool IsKnownCatalog(string hrn) => _catalogs.ContainsKey(hrn);

    public IEnumerable<string> CatalogHrns => _catalogs.Keys;

    /// <summary>The layer table of a catalog (copies made at start), in configuration order; null for an unknown catalog.</summary>
    public IReadOnlyCollection<EmulatorLayer>? GetLayers(string catalogHrn) =>
        _catalogs.TryGetValue(catalogHrn, out Dictionary<string, EmulatorLayer>? layers) ? layers.Values : null;

    /// <summary>Finds a layer of a catalog; null when the catalog or the layer is unknown.</summary>
    public EmulatorLayer? FindLayer(string catalogHrn, string layerId) =>
        _catalogs.TryGetValue(catalogHrn, out Dictionary<string, EmulatorLayer>? layers) && layers.TryGetValue(layerId, out EmulatorLayer? layer) ? layer : null;

    /// <summary>Returns the blob entry when it is readable now.</summary>
    public BlobEntry? FindVisibleBlob(string catalogHrn, string layerId, string dataHandle) =>
        _blobs.TryGetValue(BlobKey(catalogHrn, layerId, dataHandle), out BlobEntry? entry) && entry.IsVisible(Clock.GetUtcNow()) ? entry : null;

    private string NewFilePath(string folder, string suffix) =>
        Path.Combine(DataDirectory, folder, Interlocked.Increment(ref _fileSequence).ToString(CultureInfo.InvariantCulture) + suffix);

    private BlobEntry RegisterBlob(string key, long length, uint crc, string contentType, string? contentEncoding, IReadOnlyList<BlobSegment>? segments, DateTimeOffset visibleAt, out bool added)
    {
        string storageKey = TokenStore.Base64Url(RandomNumberGenerator.GetBytes(18));
        BlobEntry entry = new(storageKey, length, crc, contentType, contentEncoding, segments, visibleAt);
        added = _blobs.TryAdd(key, entry);
        if (added)
        {
            _storageKeys[storageKey] = (key, entry);
        }

        return added ? entry : _blobs[key];
    }

    private static void TryDelete(string? path)
    {
        if (path is null)
        {
            return;
        }

        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the data directory is temporary or the caller's.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }

    private static string? SingleQueryValue(HttpRequest request, string name, out bool repeated)
    {
        repeated = false;
        if (!request.Query.TryGetValue(name, out Microsoft.Extensions.Primitives.StringValues values))
        {
            return null;
        }

        repeated = values.Count > 1;
        return values[0];
    }

    /// <summary>Makes an upload's eventual status <c>failed</c> (fault injection).</summary>
    public void MarkUploadFailed(string? uploadId)
    {
        if (uploadId is not null && _uploads.TryGetValue(uploadId, out UploadSession? session))
        {
            lock (session.Gate)
            {
                session.ForceFail = true;
            }
        }
    }

    /// <summary>Gets a token cancelled when the emulator stops (ends held responses).</summary>
    public CancellationToken Stopping => _stopping.Token;

    public Task StopAsync() => _stopping.CancelAsync();

    /// <summary>Returns the blob entry when a blob is stored under the handle (processing or not), else null.</summary>
    public BlobEntry? FindStoredBlob(string catalogHrn, string layerId, string dataHandle) =>
        _blobs.TryGetValue(BlobKey(catalogHrn, layerId, dataHandle), out BlobEntry? entry) && !entry.Deleted ? entry : null;

    public void Dispose() => _stopping.Dispose();

    /// <summary>Records a part number an upload-part request carried (whatever happens to the request).</summary>
    public void RecordPartNumber(string? uploadId, int number)
    {
        if (uploadId is not null && _uploads.TryGetValue(uploadId, out UploadSession? session))
        {
            session.RecordNumber(number);
        }
    }
}
