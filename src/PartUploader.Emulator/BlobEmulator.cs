using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PartUploader.Emulator.Catalogs;
using PartUploader.Emulator.Hosting;
using PartUploader.Emulator.Internal;

namespace PartUploader.Emulator;

/// <summary>
/// A strict local emulator of the HERE blob v1 service, its API lookup service and its token endpoint, on Kestrel.
/// Start it with <see cref="StartAsync"/>, point a client at <see cref="LookupUrl"/>/<see cref="TokenUrl"/> (or
/// <see cref="GetBlobBaseUrl"/> with a token from <see cref="IssueAccessToken"/>), and dispose it to stop.
/// </summary>
/// <remarks>All members are thread-safe. Switches of <see cref="Options"/> may be changed while it runs.</remarks>
public sealed class BlobEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly EmulatorService _service;
    private readonly CatalogStore _store;
    private readonly bool _ownsDataDirectory;
    private readonly X509Certificate2? _serverCertificate;
    private int _disposed;

    private BlobEmulator(WebApplication app, EmulatorService service, CatalogStore store, bool ownsDataDirectory, EmulatorCredentials credentials, X509Certificate2? serverCertificate)
    {
        _app = app;
        _service = service;
        _store = store;
        _ownsDataDirectory = ownsDataDirectory;
        _serverCertificate = serverCertificate;
        Certificate = serverCertificate is null ? null : EmulatorCertificate.PublicPart(serverCertificate);
        Credentials = credentials;
        Options = service.Options;
        EmulatorCatalog? first = Options.Catalogs.Count > 0 ? Options.Catalogs[0] : null;
        DefaultCatalogHrn = first?.Hrn ?? BlobEmulatorOptions.DemoCatalogHrn;
        DefaultLayerId = first?.Layers.FirstOrDefault(l => l.LayerType == EmulatorLayerType.Versioned)?.Id ?? BlobEmulatorOptions.DemoVersionedLayerId;
        IndexLayerId = first?.Layers.FirstOrDefault(l => l.LayerType == EmulatorLayerType.Index)?.Id ?? BlobEmulatorOptions.DemoIndexLayerId;
    }

    /// <summary>Gets the options; switches changed at run time take effect for later requests.</summary>
    public BlobEmulatorOptions Options { get; }

    /// <summary>Gets the service root, for example <c>http://127.0.0.1:PORT/</c> (<c>https://</c> with <see cref="BlobEmulatorOptions.UseHttps"/>).</summary>
    public Uri ServiceUrl => _service.ServiceUrl;

    /// <summary>Gets the emulator's self-signed server certificate (the public part only, no private key) when it listens on
    /// HTTPS (<see cref="BlobEmulatorOptions.UseHttps"/>), or <see langword="null"/> over plain HTTP.</summary>
    /// <remarks>A client trusts exactly this certificate, for example by comparing
    /// <c>GetCertHashString(HashAlgorithmName.SHA256)</c> of the certificate the server presents with this one's in
    /// <c>SocketsHttpHandler.SslOptions.RemoteCertificateValidationCallback</c>. It is made anew at every start and
    /// disposed with the emulator.</remarks>
    public X509Certificate2? Certificate { get; }

    /// <summary>Writes <see cref="Certificate"/> (the public part only, no private key) as a PEM file, for a client that
    /// takes a file of certificates to trust (<c>curl --cacert FILE</c>, <c>partupload --trust-certificate FILE</c>).</summary>
    /// <param name="path">The file path; its directory is created when missing. An existing file is replaced.</param>
    /// <returns>The full path of the file written.</returns>
    /// <remarks>The certificate is made anew at every start, so a file written by an earlier run is stale.</remarks>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="InvalidOperationException">The emulator listens on plain HTTP (<see cref="BlobEmulatorOptions.UseHttps"/> is off).</exception>
    public string WriteCertificateFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return EmulatorCertificate.WritePem(
            Certificate ?? throw new InvalidOperationException("The emulator has no certificate: it listens on plain HTTP (set BlobEmulatorOptions.UseHttps)."),
            path);
    }

    /// <summary>Gets the API lookup base, <c>{ServiceUrl}lookup/v1</c> (spec section 7).</summary>
    public Uri LookupUrl => new(ServiceUrl, "lookup/v1");

    /// <summary>Gets the token endpoint, <c>{ServiceUrl}oauth2/token</c> (spec section 8).</summary>
    public Uri TokenUrl => new(ServiceUrl, "oauth2/token");

    /// <summary>Gets the HRN of the first configured catalog (by default <c>hrn:here:data::emulator:demo</c>).</summary>
    public string DefaultCatalogHrn { get; }

    /// <summary>Gets the first versioned layer of the default catalog (by default <c>versioned</c>).</summary>
    public string DefaultLayerId { get; }

    /// <summary>Gets the first index layer of the default catalog (by default <c>index</c>).</summary>
    public string IndexLayerId { get; }

    /// <summary>Gets the credentials the token endpoint accepts.</summary>
    public EmulatorCredentials Credentials { get; }

    /// <summary>Gets the request journal.</summary>
    public RequestJournal Journal => _service.Journal;

    /// <summary>Gets the fault plan.</summary>
    public FaultPlan Faults => _service.Faults;

    /// <summary>Gets the load on the blob service: requests in flight, their peak, and the answers throttled by <see cref="BlobEmulatorOptions.MaxRequestsInFlight"/>.</summary>
    public BlobServiceLoad Load => _service.Load;

    /// <summary>Raised when a <see cref="FaultKind.StallBody"/> fault stops reading a request body, with the body bytes read so far (for tests).</summary>
    internal event Action<long>? BodyStalled
    {
        add => _service.BodyStalled += value;
        remove => _service.BodyStalled -= value;
    }

    /// <summary>Gets the directory holding parts and blobs.</summary>
    public string DataDirectory => _service.DataDirectory;

    /// <summary>Gets a snapshot of every multipart upload started so far, in start order.</summary>
    public IReadOnlyList<UploadRecord> Uploads => _service.SnapshotUploads();

    /// <summary>Starts an emulator.</summary>
    /// <param name="options">The options, or <see langword="null"/> for the defaults (127.0.0.1 on an OS-assigned port, the demo catalog, a temporary data directory).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator.</returns>
    /// <exception cref="ArgumentException">The options are invalid (the message names the property).</exception>
    public static async Task<BlobEmulator> StartAsync(BlobEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new BlobEmulatorOptions();
        OptionsValidation.Validate(options);

        bool ownsDirectory = options.DataDirectory is null;
        string dataDirectory = ownsDirectory
            ? Path.Combine(Path.GetTempPath(), "partuploader-emulator-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)))
            : Path.GetFullPath(options.DataDirectory!);
        Directory.CreateDirectory(dataDirectory);

        string accessKeyId = options.AccessKeyId ?? "EMU" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 17);
        string accessKeySecret = options.AccessKeySecret ?? RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 64);
        EmulatorService service = new(options, dataDirectory, accessKeyId, accessKeySecret);

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(BlobEmulator).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        if (options.LargeMemoryPoolBlocks)
        {
            builder.Services.AddSingleton<IMemoryPoolFactory<byte>, LargeBlockMemoryPoolFactory>();
        }

        // The TLS peer checks the certificate's validity against the real clock, not the emulator's TimeProvider.
        X509Certificate2? certificate = options.UseHttps ? EmulatorCertificate.Create(TimeProvider.System.GetUtcNow()) : null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Limits.MinRequestBodyDataRate = null;
            kestrel.Limits.MinResponseDataRate = null;
            if (certificate is not null)
            {
                // HTTP/1.1 only, as over plain HTTP (where HttpClient never negotiates HTTP/2): one request at a time per
                // connection, which the bandwidth cap and the connection-reset faults assume.
                kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http1);
                kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate);
            }

            if (options.Urls is null)
            {
                kestrel.Listen(IPAddress.Loopback, 0, listen =>
                {
                    if (certificate is not null)
                    {
                        listen.UseHttps(certificate);
                    }
                });
            }
        });
        if (options.Urls is not null)
        {
            builder.WebHost.UseUrls(options.Urls);
            if (certificate is not null)
            {
                // The slim builder leaves out HTTPS for URL-configured endpoints unless asked.
                builder.WebHost.UseKestrelHttpsConfiguration();
            }
        }

        WebApplication app = builder.Build();
        EmulatorPipeline pipeline = new(service);
        app.UseRouting();
        app.Use(pipeline.InvokeAsync);
        CatalogStore store = new(service);
        EmulatorRoutes.Map(app, service, store);

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            service.Dispose();
            certificate?.Dispose();
            if (ownsDirectory)
            {
                Directory.Delete(dataDirectory, recursive: true);
            }

            throw;
        }

        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        service.ServiceUrl = new Uri(NormalizeAddress(address));
        return new BlobEmulator(app, service, store, ownsDirectory, new EmulatorCredentials { AccessKeyId = accessKeyId, AccessKeySecret = accessKeySecret, TokenEndpointUrl = new Uri(service.ServiceUrl, "oauth2/token"), UserId = "HERE-emulator-user", ClientId = "emulator-client" }, certificate);
    }

    /// <summary>Gets the blob API base URL of a catalog, as the lookup service returns it.</summary>
    /// <param name="catalogHrn">The catalog HRN, or <see langword="null"/> for <see cref="DefaultCatalogHrn"/>.</param>
    /// <returns><c>{ServiceUrl}blobstore/v1/catalogs/{hrn}</c>.</returns>
    public Uri GetBlobBaseUrl(string? catalogHrn = null) => new(ServiceUrl, "blobstore/v1/catalogs/" + (catalogHrn ?? DefaultCatalogHrn));

    /// <summary>Writes a HERE <c>credentials.properties</c> file for this emulator.</summary>
    /// <param name="path">The file path; its directory is created when missing. An existing file is replaced.</param>
    /// <returns>The full path of the file written.</returns>
    /// <remarks>The file holds the access key secret: on Unix it is readable and writable by its owner only (mode 0600).</remarks>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    public string WriteCredentialsFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        StringBuilder text = new();
        text.Append("here.user.id = ").Append(Credentials.UserId).Append('\n')
            .Append("here.client.id = ").Append(Credentials.ClientId).Append('\n')
            .Append("here.access.key.id = ").Append(Credentials.AccessKeyId).Append('\n')
            .Append("here.access.key.secret = ").Append(Credentials.AccessKeySecret).Append('\n')
            .Append("here.token.endpoint.url = ").Append(Credentials.TokenEndpointUrl).Append('\n');
        WriteOwnerOnly(fullPath, Encoding.UTF8.GetBytes(text.ToString()));
        return fullPath;
    }

    /// <summary>
    /// Writes a file only its owner can read (mode 0600 on Unix): the bytes go to a new file created with that mode
    /// in the same directory, which then replaces the target, so an existing file (whatever its mode, and whoever
    /// has it open) never holds the secret.
    /// </summary>
    private static void WriteOwnerOnly(string fullPath, byte[] content)
    {
        string temp = Path.Combine(Path.GetDirectoryName(fullPath)!, "." + Path.GetFileName(fullPath) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(temp, options))
            {
                if (!OperatingSystem.IsWindows())
                {
                    // The umask can only remove bits; set the mode explicitly anyway before the secret is written.
                    File.SetUnixFileMode(stream.SafeFileHandle, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }

                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, fullPath, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Issues a valid bearer token without the OAuth exchange (for tests).</summary>
    /// <param name="lifetime">The lifetime, or <see langword="null"/> for <see cref="BlobEmulatorOptions.TokenLifetime"/>.</param>
    /// <param name="onlyCatalogHrn">A catalog the token is restricted to (others answer 403), or <see langword="null"/> for all.</param>
    /// <returns>The token, to send as <c>Authorization: Bearer {token}</c>.</returns>
    public string IssueAccessToken(TimeSpan? lifetime = null, string? onlyCatalogHrn = null) =>
        _service.Tokens.Issue(lifetime ?? Options.TokenLifetime, onlyCatalogHrn);

    /// <summary>Invalidates every token issued so far (later calls with them answer 401).</summary>
    public void ExpireAccessTokens() => _service.Tokens.RevokeAll();

    /// <summary>Opens the stored bytes of a blob (also while its upload still reads <c>processing</c>).</summary>
    /// <param name="layerId">The layer ID.</param>
    /// <param name="dataHandle">The data handle.</param>
    /// <param name="catalogHrn">The catalog, or <see langword="null"/> for <see cref="DefaultCatalogHrn"/>.</param>
    /// <returns>A readable stream the caller disposes, or <see langword="null"/> when there is no such blob.</returns>
    /// <exception cref="InvalidOperationException">The emulator runs in discard mode.</exception>
    public Stream? OpenBlob(string layerId, string dataHandle, string? catalogHrn = null)
    {
        if (Options.DiscardData)
        {
            throw new InvalidOperationException("The emulator runs in discard mode (DiscardData) and keeps no blob bytes.");
        }

        BlobEntry? entry = _service.FindStoredBlob(catalogHrn ?? DefaultCatalogHrn, layerId, dataHandle);
        return entry?.Segments is null ? null : new SegmentedReadStream(entry.Segments);
    }

    /// <summary>Describes a stored blob (also in discard mode, and while its upload still reads <c>processing</c>).</summary>
    /// <param name="layerId">The layer ID.</param>
    /// <param name="dataHandle">The data handle.</param>
    /// <param name="catalogHrn">The catalog, or <see langword="null"/> for <see cref="DefaultCatalogHrn"/>.</param>
    /// <returns>The blob's length, digests and content type, or <see langword="null"/> when there is no such blob.</returns>
    public StoredBlob? GetBlob(string layerId, string dataHandle, string? catalogHrn = null)
    {
        BlobEntry? entry = _service.FindStoredBlob(catalogHrn ?? DefaultCatalogHrn, layerId, dataHandle);
        return entry is null ? null : new StoredBlob { Length = entry.Length, Crc32C = entry.Crc32C, Sha256 = entry.GetSha256(), ContentType = entry.ContentType };
    }

    /// <summary>Gets a snapshot of every publication of every catalog, in init order, with time-driven changes (processing end,
    /// idle expiry) applied from the emulator's clock (spec publish-v2 1.1-1.6).</summary>
    public IReadOnlyList<PublicationRecord> Publications => _store.Publications();

    /// <summary>Gets the latest version of a catalog (spec publish-v2 1.6, 4).</summary>
    /// <param name="catalogHrn">The catalog, or <see langword="null"/> for <see cref="DefaultCatalogHrn"/>.</param>
    /// <returns>The latest catalog version, or -1 when no publication has made one.</returns>
    /// <exception cref="ArgumentException">The catalog is not configured.</exception>
    public long GetCatalogVersion(string? catalogHrn = null) => Catalog(catalogHrn).LatestVersion();

    /// <summary>Gets the partitions of a versioned layer visible at a catalog version, ordered by key (spec publish-v2 section 4).</summary>
    /// <param name="layerId">The layer ID.</param>
    /// <param name="version">The catalog version, or <see langword="null"/> for the latest.</param>
    /// <param name="catalogHrn">The catalog, or <see langword="null"/> for <see cref="DefaultCatalogHrn"/>.</param>
    /// <returns>The partitions; each <see cref="EmulatorPartition.Version"/> is the version that last wrote it. Deleted partitions are left out.</returns>
    /// <exception cref="ArgumentException">The catalog is not configured.</exception>
    public IReadOnlyList<EmulatorPartition> GetPartitions(string layerId, long? version = null, string? catalogHrn = null) =>
        Catalog(catalogHrn).ReadPartitions(layerId, version);

    /// <summary>Gets the index records of an index layer, in insertion order (spec publish-v2 section 2).</summary>
    /// <param name="layerId">The layer ID.</param>
    /// <param name="catalogHrn">The catalog, or <see langword="null"/> for <see cref="DefaultCatalogHrn"/>.</param>
    /// <returns>The records.</returns>
    public IReadOnlyList<EmulatorIndexRecord> GetIndexRecords(string layerId, string? catalogHrn = null) =>
        _store.Index.Read(catalogHrn ?? DefaultCatalogHrn, layerId);

    /// <summary>Stops Kestrel and deletes the data directory when the emulator created it.</summary>
    /// <returns>A task that completes when the emulator has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _service.StopAsync().ConfigureAwait(false);
        try
        {
            await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            _service.Dispose();
            _serverCertificate?.Dispose();
            Certificate?.Dispose();
            if (_ownsDataDirectory)
            {
                try
                {
                    Directory.Delete(DataDirectory, recursive: true);
                }
                catch (IOException)
                {
                    // Best effort (an open blob stream, for example).
                }
                catch (UnauthorizedAccessException)
                {
                    // Same.
                }
            }
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"BlobEmulator {{ ServiceUrl = {ServiceUrl} }}";

    private static string NormalizeAddress(string address)
    {
        Uri uri = new(address.Replace("://+", "://127.0.0.1", StringComparison.Ordinal).Replace("://*", "://127.0.0.1", StringComparison.Ordinal).Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal).Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal));
        return $"{uri.Scheme}://{uri.Host}:{uri.Port.ToString(CultureInfo.InvariantCulture)}/";
    }

    private CatalogState Catalog(string? catalogHrn) =>
        _store.Find(catalogHrn ?? DefaultCatalogHrn) ?? throw new ArgumentException($"The catalog '{catalogHrn}' is not configured.", nameof(catalogHrn));
}
