using System.Diagnostics;

namespace PartUploader.Benchmarks;

/// <summary>What the client process saw of one publish (or batch-upload baseline) repetition.</summary>
internal sealed record PublishClientFigures
{
    /// <summary>When the call started and ended (wall clock, to select the emulator's journal entries of this repetition).</summary>
    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset EndedAt { get; init; }

    /// <summary>Upload-partitions requests (metadata) as the client saw them: count, and summed time from send to response headers.</summary>
    public int UploadPartitionsRequests { get; init; }

    public double UploadPartitionsSeconds { get; init; }

    /// <summary>Query-partitions requests (the verify read-back): count, and summed time from send to response headers.</summary>
    public int QueryPartitionsRequests { get; init; }

    public double QueryPartitionsSeconds { get; init; }

    /// <summary>From the call to the Waiting progress report: configuration, init, uploads, metadata and submit.</summary>
    public double? UploadStageSeconds { get; init; }

    /// <summary>From the Waiting report to the Verifying report: the submit-to-succeeded wait as the client saw it.</summary>
    public double? WaitStageSeconds { get; init; }

    /// <summary>From the Verifying report to the Done report: reading every partition's metadata back.</summary>
    public double? VerifyStageSeconds { get; init; }
}

/// <summary>
/// The client side of the publish scenario: every file of a directory published as one publication through
/// <see cref="PublicationClient.PublishAsync"/> (kind <c>publish</c>), or uploaded with
/// <see cref="PartUploadClient.UploadBatchAsync(IEnumerable{BatchUploadItem}, BatchUploadOptions, CancellationToken)"/>
/// only (kind <c>publish-batch</c>, the baseline: the same window, budget and whole-blob SHA-256 as publishing computes for the layer).
/// The client finds the services through the emulator's API lookup, as a real one does.
/// </summary>
internal sealed class PublishWorkload : IDisposable
{
    private readonly RequestTimer _timer;
    private readonly HttpClient _http;
    private readonly PartUploadClient _client;
    private readonly string _layer;
    private readonly int _partitionsPerRequest;

    public PublishWorkload(CaseSpec spec, Uri lookupUrl, string catalogHrn, string layer, string token)
    {
        _timer = new RequestTimer { InnerHandler = new SocketsHttpHandler() };
        _http = new HttpClient(_timer) { Timeout = Timeout.InfiniteTimeSpan };
        _client = new PartUploadClient(_http, new PartUploadClientOptions
        {
            CatalogHrn = catalogHrn,
            LookupUrl = lookupUrl,
            MaxConcurrency = spec.Concurrency,
            MaxBufferedBytes = spec.Budget,
            DigestAlgorithm = spec.Digest,
        }, AccessTokenSource.FromToken(token));
        _layer = layer;
        _partitionsPerRequest = spec.PartitionsPerRequest ?? PublishOptions.DefaultPartitionsPerRequest;
    }

    /// <summary>The figures of the last call.</summary>
    public PublishClientFigures? Last { get; private set; }

    /// <summary>One publication of every file of <paramref name="directory"/> (partition id: the file name without extension), Verify on.</summary>
    public async Task<UploadOutcome> PublishAsync(string directory)
    {
        string[] files = Files(directory);
        var stages = new StageClock();
        var options = new PublishOptions { LayerId = _layer, PartitionsPerRequest = _partitionsPerRequest, Verify = true, Progress = stages };
        _timer.Reset();
        DateTimeOffset startedAt = DateTimeOffset.UtcNow;
        long started = Stopwatch.GetTimestamp();
        PublicationResult result = await _client.GetPublicationClient().PublishAsync(files.Select(f => PublishItem.FromFile(f, Path.GetFileNameWithoutExtension(f))), options);
        long ended = Stopwatch.GetTimestamp();
        if (!result.Verified || result.Partitions.Count != files.Length)
        {
            throw new InvalidOperationException($"Published {result.Partitions.Count} of {files.Length} partitions, verified: {result.Verified}.");
        }

        Last = Figures(startedAt) with
        {
            UploadStageSeconds = stages.Between(started, PublicationStage.Waiting),
            WaitStageSeconds = stages.Between(PublicationStage.Waiting, PublicationStage.Verifying),
            VerifyStageSeconds = stages.Between(PublicationStage.Verifying, PublicationStage.Done) ?? stages.Between(PublicationStage.Verifying, ended),
        };
        return new UploadOutcome(result.Bytes, result.Partitions.Count, true, 0);
    }

    /// <summary>The baseline: the same files uploaded as one batch, nothing published.</summary>
    public async Task<UploadOutcome> UploadBatchAsync(string directory)
    {
        string[] files = Files(directory);
        _timer.Reset();
        DateTimeOffset startedAt = DateTimeOffset.UtcNow;
        BatchUploadResult result = await _client.UploadBatchAsync(
            files.Select(f => BatchUploadItem.FromFile(f, Guid.NewGuid().ToString("D"))),
            new BatchUploadOptions { LayerId = _layer, ErrorPolicy = BatchErrorPolicy.StopOnFirstError, WholeBlobDigests = WholeBlobDigests.Sha256 });
        if (result.Succeeded != files.Length)
        {
            throw new InvalidOperationException($"Uploaded {result.Succeeded} of {files.Length} files.");
        }

        Last = Figures(startedAt);
        return new UploadOutcome(result.Bytes, result.Succeeded, true, 0);
    }

    public void Dispose()
    {
        _http.Dispose();
        _timer.Dispose();
    }

    private static string[] Files(string directory) => [.. Directory.GetFiles(directory).Order(StringComparer.Ordinal)];

    private PublishClientFigures Figures(DateTimeOffset startedAt) => new()
    {
        StartedAt = startedAt,
        EndedAt = DateTimeOffset.UtcNow,
        UploadPartitionsRequests = _timer.Partitions.Count,
        UploadPartitionsSeconds = _timer.Partitions.Seconds,
        QueryPartitionsRequests = _timer.Queries.Count,
        QueryPartitionsSeconds = _timer.Queries.Seconds,
    };

    /// <summary>The first time each publication stage was reported (Report is called synchronously by the SDK).</summary>
    private sealed class StageClock : IProgress<PublicationProgress>
    {
        private readonly long[] _first = new long[Enum.GetValues<PublicationStage>().Length];

        public void Report(PublicationProgress value)
        {
            ref long slot = ref _first[(int)value.Stage];
            if (slot == 0)
            {
                slot = Stopwatch.GetTimestamp();
            }
        }

        public double? Between(PublicationStage from, PublicationStage to) => _first[(int)to] == 0 ? null : Between(from, _first[(int)to]);

        public double? Between(PublicationStage from, long to) => _first[(int)from] == 0 ? null : Stopwatch.GetElapsedTime(_first[(int)from], to).TotalSeconds;

        public double? Between(long from, PublicationStage to) => _first[(int)to] == 0 ? null : Stopwatch.GetElapsedTime(from, _first[(int)to]).TotalSeconds;
    }
}

/// <summary>Times the metadata requests the client sends (send to response headers; their bodies are small).</summary>
internal sealed class RequestTimer : DelegatingHandler
{
    public RequestTally Partitions { get; private set; } = new();

    public RequestTally Queries { get; private set; } = new();

    public void Reset()
    {
        Partitions = new RequestTally();
        Queries = new RequestTally();
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string path = request.RequestUri?.AbsolutePath ?? "";
        RequestTally? tally =
            request.Method == HttpMethod.Post && path.Contains("/publications/", StringComparison.Ordinal) && path.EndsWith("/partitions", StringComparison.Ordinal) ? Partitions
            : request.Method == HttpMethod.Get && path.Contains("/query/v1/", StringComparison.Ordinal) ? Queries
            : null;
        long started = Stopwatch.GetTimestamp();
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
        tally?.Add(Stopwatch.GetElapsedTime(started));
        return response;
    }
}

/// <summary>A thread-safe count and sum of durations.</summary>
internal sealed class RequestTally
{
    private int _count;
    private long _ticks;

    public int Count => Volatile.Read(ref _count);

    public double Seconds => TimeSpan.FromTicks(Interlocked.Read(ref _ticks)).TotalSeconds;

    public void Add(TimeSpan elapsed)
    {
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _ticks, elapsed.Ticks);
    }
}
