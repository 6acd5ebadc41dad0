using System.Text.Json.Serialization;

namespace PartUploader.Emulator;

/// <summary>
/// The settings of a <see cref="BlobEmulator"/>. Plain data: every switch may be changed while the emulator runs and takes
/// effect for later requests. The switches marked U1..U14 are the UNCERTAIN points of spec section 9.
/// </summary>
public sealed class BlobEmulatorOptions
{
    /// <summary>The HRN of the catalog served by default.</summary>
    public const string DemoCatalogHrn = "hrn:here:data::emulator:demo";

    /// <summary>The ID of the default versioned layer.</summary>
    public const string DemoVersionedLayerId = "versioned";

    /// <summary>The ID of the default index layer.</summary>
    public const string DemoIndexLayerId = "index";

    /// <summary>Gets or sets the URLs to listen on (separated by <c>;</c>), or <see langword="null"/> for <c>http://127.0.0.1:0</c>
    /// (<c>https://127.0.0.1:0</c> with <see cref="UseHttps"/>; a port the OS assigns). With <see cref="UseHttps"/> every URL
    /// must be <c>https://</c>, without it every URL must be <c>http://</c>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Urls { get; set; }

    /// <summary>Gets or sets a value indicating whether the emulator listens on HTTPS (HTTP/1.1 over TLS) instead of plain HTTP,
    /// with a self-signed certificate made in memory at start and exposed as <see cref="BlobEmulator.Certificate"/>. Read when
    /// the emulator starts.</summary>
    /// <value>The default value is <see langword="false"/> (plain HTTP).</value>
    /// <remarks>The certificate (ECDSA P-256) names <c>127.0.0.1</c>, <c>::1</c> and <c>localhost</c>, is valid from one hour
    /// before the start for 7 days, and is new at every start: a client trusts exactly it, for example by pinning its SHA-256
    /// hash in <c>SocketsHttpHandler.SslOptions.RemoteCertificateValidationCallback</c>.</remarks>
    public bool UseHttps { get; set; }

    /// <summary>Gets or sets the data directory, or <see langword="null"/> for a new temporary directory deleted on dispose.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? DataDirectory { get; set; }

    /// <summary>Gets or sets a value indicating whether to discard part and blob bytes, keeping only sizes and digests (for benchmarks).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool DiscardData { get; set; }

    /// <summary>Gets or sets the catalogs served. Read when the emulator starts.</summary>
    /// <value>The default value is the demo catalog with a versioned layer <c>versioned</c> (digest <c>SHA-256</c>, crc <c>CRC-32C</c>) and an
    /// index layer <c>index</c> (fields <c>ingestionTime</c> timewindow 600000 ms and <c>source</c> string), both <c>application/octet-stream</c>.</value>
    public IList<EmulatorCatalog> Catalogs { get; set; } = CreateDefaultCatalogs();

    /// <summary>Gets or sets the access key ID accepted at the token endpoint, or <see langword="null"/> to generate one.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? AccessKeyId { get; set; }

    /// <summary>Gets or sets the access key secret, or <see langword="null"/> to generate one.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? AccessKeySecret { get; set; }

    /// <summary>Gets or sets the longest lifetime of an issued token (a token request may ask for less).</summary>
    /// <value>The default value is 1 hour.</value>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets the clock used for tokens, OAuth timestamps, the <c>Date</c> header and processing delays.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    [JsonIgnore]
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets or sets the logger factory for the emulator's own messages (category <c>PartUploader.Emulator</c>), or
    /// <see langword="null"/> to stay silent. ASP.NET Core's own logging is always off. Read when the emulator starts.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    [JsonIgnore]
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Gets or sets the <c>Cache-Control: max-age</c> of lookup replies.</summary>
    /// <value>The default value is 3600 seconds.</value>
    public TimeSpan LookupMaxAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets a value indicating whether Kestrel receives into 256 KiB pool blocks instead of 4 KiB ones,
    /// which roughly doubles loopback upload throughput. Read when the emulator starts.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool LargeMemoryPoolBlocks { get; set; } = true;

    /// <summary>Gets or sets how many journal entries are kept (the oldest are dropped).</summary>
    /// <value>The default value is 100,000. Read when the emulator starts.</value>
    public int JournalCapacity { get; set; } = 100_000;

    /// <summary>Gets or sets the assembly order of a completed upload (U2).</summary>
    /// <value>The default value is <see cref="PartAssemblyOrder.ListOrder"/>.</value>
    public PartAssemblyOrder AssembleBy { get; set; } = PartAssemblyOrder.ListOrder;

    /// <summary>Gets or sets a value indicating whether the complete call must list exactly the numbers 1..N (U3).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool RequireConsecutivePartNumbers { get; set; }

    /// <summary>Gets or sets a value indicating whether the complete call must list parts in strictly ascending number order (U4).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool RequireAscendingPartList { get; set; }

    /// <summary>Gets or sets the minimum size of every part but the last, checked at complete (U5; the other reading is 5,000,000).</summary>
    /// <value>The default value is 5,242,880 bytes (5 MiB).</value>
    public long MinimumPartSize { get; set; } = 5_242_880;

    /// <summary>Gets or sets a value indicating whether ETags are sent quoted (<c>"hex"</c>) rather than bare (U6).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool QuotedETags { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether start-multipart links are host-relative instead of absolute (U7).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool RelativeLinks { get; set; }

    /// <summary>Gets or sets how long the status reads <c>processing</c> after complete (U8).</summary>
    /// <value>The default value is 200 ms.</value>
    public TimeSpan ProcessingDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Gets or sets how a completed upload ends after the processing delay (U8).</summary>
    /// <value>The default value is <see cref="Emulator.CompletionOutcome.Completed"/>.</value>
    public CompletionOutcome CompletionOutcome { get; set; } = CompletionOutcome.Completed;

    /// <summary>Gets or sets the format of error bodies (U9).</summary>
    /// <value>The default value is <see cref="Emulator.ErrorBodyFormat.Json"/>.</value>
    public ErrorBodyFormat ErrorBodyFormat { get; set; } = ErrorBodyFormat.Json;

    /// <summary>Gets or sets the status answered when a content type does not match the layer's or the start call's (U10: 400 or 415).</summary>
    /// <value>The default value is 400.</value>
    public int ContentTypeMismatchStatus { get; set; } = 400;

    /// <summary>Gets or sets a value indicating whether <c>CRC32C</c>, <c>SHA-1</c> and <c>SHA-256</c> are accepted besides the exact tokens (U11).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool AcceptDigestAliases { get; set; }

    /// <summary>Gets or sets the longest data handle accepted (U12: 600 or 1024).</summary>
    /// <value>The default value is 600.</value>
    public int MaxDataHandleLength { get; set; } = 600;

    /// <summary>Gets or sets the body formats the token endpoint accepts (U13).</summary>
    /// <value>The default value is <see cref="TokenBodyFormats.All"/> (JSON and form).</value>
    public TokenBodyFormats TokenBodyFormats { get; set; } = TokenBodyFormats.All;

    /// <summary>Gets or sets the status-link answer for an upload that is open, cancelled or unknown (U14).</summary>
    /// <value>The default value is <see cref="UnknownUploadStatus.NotFound"/>.</value>
    public UnknownUploadStatus StatusOfUnknownUpload { get; set; } = UnknownUploadStatus.NotFound;

    /// <summary>Gets or sets the request-body bandwidth per connection in bytes per second (WAN simulation), or <see langword="null"/> for unlimited.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public long? BandwidthBytesPerSecondPerConnection { get; set; }

    /// <summary>Gets or sets whether a request body sent with chunked transfer encoding (no <c>Content-Length</c>) is answered 411 Length Required, as some gateways in front of the service do.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool RequireContentLength { get; set; } = true;

    /// <summary>Gets or sets a latency added before each request is handled (WAN simulation), or <see langword="null"/> for none.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public TimeSpan? Latency { get; set; }

    /// <summary>Gets or sets how many blob-service requests may be in flight at once (a busy service); a request beyond
    /// it is answered 503 with <c>Retry-After</c> (<see cref="CapacityRetryAfter"/>) without its body being read, and
    /// journaled with <see cref="JournalEntry.FaultApplied"/> <c>capacity</c>. <see langword="null"/> for unlimited.
    /// See <see cref="BlobServiceLoad"/> for the operations counted.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public int? MaxRequestsInFlight { get; set; }

    /// <summary>Gets or sets the <c>Retry-After</c> of a request answered 503 by <see cref="MaxRequestsInFlight"/>, sent in
    /// whole seconds rounded up, at least 1.</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan CapacityRetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the switches of the publish, metadata, query, index and config services (spec publish-v2 section 7).</summary>
    /// <value>The default value is a new <see cref="PublishEmulatorOptions"/> with the spec's defaults.</value>
    public PublishEmulatorOptions Publishing { get; set; } = new();

    /// <summary>Creates the default catalog list.</summary>
    /// <returns>A new list holding the demo catalog.</returns>
    public static IList<EmulatorCatalog> CreateDefaultCatalogs() =>
    [
        new EmulatorCatalog
        {
            Hrn = DemoCatalogHrn,
            Layers =
            [
                new EmulatorLayer
                {
                    Id = DemoVersionedLayerId,
                    ContentType = "application/octet-stream",
                    LayerType = EmulatorLayerType.Versioned,
                    Digest = "SHA-256",
                    Crc = "CRC-32C",
                },
                new EmulatorLayer
                {
                    Id = DemoIndexLayerId,
                    ContentType = "application/octet-stream",
                    LayerType = EmulatorLayerType.Index,
                    IndexDefinitions =
                    [
                        new EmulatorIndexDefinition { Name = "ingestionTime", Type = "timewindow", Duration = 600_000 },
                        new EmulatorIndexDefinition { Name = "source", Type = "string" },
                    ],
                },
            ],
        },
    ];
}
