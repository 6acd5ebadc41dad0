using System.Text;
using PartUploader.Emulator;
using static System.FormattableString;

namespace PartUploader.Benchmarks;

/// <summary>
/// One case of the publish scenario: the median repetition (by wall time), its split between data and metadata
/// from the emulator's journal (server-side durations) and the client's own timings.
/// </summary>
internal sealed record PublishSummary
{
    public required string Case { get; init; }

    /// <summary>publish | batch-upload (the baseline: the same files, UploadBatchAsync only).</summary>
    public required string Mode { get; init; }

    public int Partitions { get; init; }

    public int BytesPerPartition { get; init; }

    public int? PartitionsPerRequest { get; init; }

    public int Repetitions { get; init; }

    /// <summary>The whole call (PublishAsync, or UploadBatchAsync for the baseline), as the client timed it.</summary>
    public double WallSeconds { get; init; }

    public double PartitionsPerSecond { get; init; }

    /// <summary>This case's wall time over the batch-upload baseline's, same run.</summary>
    public double? WallRatioVsBatchUpload { get; init; }

    /// <summary>From the call's start to the first blob PUT's arrival: lookup, layer configuration, init.</summary>
    public double SetupSeconds { get; init; }

    public int PutBlobRequests { get; init; }

    /// <summary>The data phase: from the first blob PUT's arrival to the last one's end (journal).</summary>
    public double DataPhaseSeconds { get; init; }

    public double PutBlobServerSecondsSum { get; init; }

    public int UploadPartitionsRequests { get; init; }

    /// <summary>Upload-partitions (metadata) requests: summed handling time in the emulator, and summed time as the client saw it.</summary>
    public double UploadPartitionsServerSecondsSum { get; init; }

    public double UploadPartitionsClientSecondsSum { get; init; }

    /// <summary>UploadPartitionsClientSecondsSum / WallSeconds (the metadata calls overlap the uploads, so shares need not add up).</summary>
    public double? MetadataShareOfWall { get; init; }

    /// <summary>DataPhaseSeconds / WallSeconds.</summary>
    public double DataShareOfWall { get; init; }

    /// <summary>Partitions / UploadPartitionsClientSecondsSum: the metadata path's own rate.</summary>
    public double? MetadataPartitionsPerSecond { get; init; }

    /// <summary>Partitions / UploadPartitionsServerSecondsSum.</summary>
    public double? MetadataPartitionsPerSecondServer { get; init; }

    /// <summary>From the last blob PUT's end to the last upload-partitions request's end: metadata not hidden behind data.</summary>
    public double? MetadataAfterDataSeconds { get; init; }

    /// <summary>From the submit request's arrival to the end of the last publication read before verifying (journal).</summary>
    public double? SubmitToSucceededSeconds { get; init; }

    public int? GetPublicationRequests { get; init; }

    /// <summary>The verify step: from the latest-version read's arrival to the last query-partitions request's end (journal).</summary>
    public double? VerifySeconds { get; init; }

    public int? QueryPartitionsRequests { get; init; }

    public double? QueryPartitionsServerSecondsSum { get; init; }

    /// <summary>The client's stage clock (PublishOptions.Progress): Waiting to Verifying, and Verifying to Done.</summary>
    public double? ClientWaitStageSeconds { get; init; }

    public double? ClientVerifyStageSeconds { get; init; }

    public string? Error { get; init; }
}

/// <summary>The publish scenario: files, cases, figures from the journal, and its table.</summary>
internal static class PublishScenario
{
    private const int WarmupFiles = 100;

    /// <summary>Writes the files once (random bytes, one directory), and a small warm-up set; plans baseline, publish at 1,000 and at 100 per request.</summary>
    public static List<CaseSpec> Plan(string workDir, RunSettings settings)
    {
        int count = settings.PublishCount ?? (settings.Quick ? 1_000 : 10_000);
        int size = settings.PublishSize;
        string main = WriteFiles(Path.Combine(workDir, Invariant($"publish-{count}x{size}")), count, size);
        string warm = WriteFiles(Path.Combine(workDir, "publish-warmup"), Math.Min(WarmupFiles, count), size);
        int reps = settings.Quick ? 1 : 3;
        CaseSpec Case(string name, string kind, int? perRequest) => new()
        {
            Scenario = "publish", Case = name, Kind = kind, Bytes = (long)count * size, Repetitions = reps,
            FilePath = main, WarmupFilePath = warm, WarmupBytes = (long)Math.Min(WarmupFiles, count) * size, PartitionsPerRequest = perRequest,
        };
        return
        [
            Case("batch only", "publish-batch", null),
            Case("1000/req", "publish", PublishOptions.DefaultPartitionsPerRequest),
            Case("100/req", "publish", 100),
        ];
    }

    private static string WriteFiles(string directory, int count, int size)
    {
        Directory.CreateDirectory(directory);
        var random = new Random(20261125);
        byte[] bytes = new byte[size];
        for (int i = 0; i < count; i++)
        {
            random.NextBytes(bytes);
            File.WriteAllBytes(Path.Combine(directory, Invariant($"p{i:D5}.bin")), bytes);
        }

        return directory;
    }

    /// <summary>The figures of the median repetition: the client's timings and the journal entries inside its window.</summary>
    public static PublishSummary Summarize(CaseResult result, IReadOnlyList<JournalEntry> journal)
    {
        CaseSpec spec = result.Spec;
        var summary = new PublishSummary
        {
            Case = spec.Case,
            Mode = spec.Kind == "publish" ? "publish" : "batch-upload",
            PartitionsPerRequest = spec.PartitionsPerRequest,
            Repetitions = result.Repetitions.Count,
            Error = result.Error,
        };
        RepResult? rep = result.Repetitions.Where(r => r.Publish is not null).OrderBy(r => r.Seconds).ElementAtOrDefault(result.Repetitions.Count / 2);
        if (rep?.Publish is not { } client)
        {
            return summary with { Error = result.Error ?? "no repetition" };
        }

        JournalEntry[] entries = [.. journal.Where(e => e.Timestamp >= client.StartedAt && e.Timestamp <= client.EndedAt && e.StatusCode is >= 200 and < 300)];
        JournalEntry[] puts = Of(entries, EmulatorOperation.PutBlob);
        JournalEntry[] metadata = Of(entries, EmulatorOperation.UploadPartitions);
        DateTimeOffset? firstPut = puts.Length > 0 ? puts.Min(e => e.Timestamp) : null;
        DateTimeOffset? lastPutEnd = puts.Length > 0 ? puts.Max(End) : null;
        int partitions = rep.Parts;
        double wall = rep.Seconds;
        double metadataServer = metadata.Sum(e => e.Elapsed.TotalSeconds);
        double dataPhase = firstPut is { } a && lastPutEnd is { } b ? (b - a).TotalSeconds : 0;
        summary = summary with
        {
            Partitions = partitions,
            BytesPerPartition = (int)(spec.Bytes / Math.Max(1, partitions)),
            WallSeconds = wall,
            PartitionsPerSecond = partitions / wall,
            SetupSeconds = firstPut is { } f ? (f - client.StartedAt).TotalSeconds : 0,
            PutBlobRequests = puts.Length,
            DataPhaseSeconds = dataPhase,
            DataShareOfWall = dataPhase / wall,
            PutBlobServerSecondsSum = puts.Sum(e => e.Elapsed.TotalSeconds),
        };
        if (spec.Kind != "publish")
        {
            return summary;
        }

        JournalEntry? submit = Of(entries, EmulatorOperation.SubmitPublication).FirstOrDefault();
        JournalEntry? latest = Of(entries, EmulatorOperation.LatestVersion).LastOrDefault();
        JournalEntry[] reads = submit is null ? [] : [.. Of(entries, EmulatorOperation.GetPublication).Where(e => e.Timestamp >= submit.Timestamp && (latest is null || e.Timestamp <= latest.Timestamp))];
        JournalEntry[] queries = Of(entries, EmulatorOperation.QueryPartitions);
        double metadataClient = client.UploadPartitionsSeconds;
        return summary with
        {
            UploadPartitionsRequests = metadata.Length,
            UploadPartitionsServerSecondsSum = metadataServer,
            UploadPartitionsClientSecondsSum = metadataClient,
            MetadataShareOfWall = metadataClient / wall,
            MetadataPartitionsPerSecond = metadataClient > 0 ? partitions / metadataClient : null,
            MetadataPartitionsPerSecondServer = metadataServer > 0 ? partitions / metadataServer : null,
            MetadataAfterDataSeconds = metadata.Length > 0 && lastPutEnd is { } lp ? Math.Max(0, (metadata.Max(End) - lp).TotalSeconds) : null,
            SubmitToSucceededSeconds = submit is not null && reads.Length > 0 ? (reads.Max(End) - submit.Timestamp).TotalSeconds : null,
            GetPublicationRequests = reads.Length,
            VerifySeconds = latest is not null && queries.Length > 0 ? (queries.Max(End) - latest.Timestamp).TotalSeconds : null,
            QueryPartitionsRequests = queries.Length,
            QueryPartitionsServerSecondsSum = queries.Sum(e => e.Elapsed.TotalSeconds),
            ClientWaitStageSeconds = client.WaitStageSeconds,
            ClientVerifyStageSeconds = client.VerifyStageSeconds,
        };
    }

    public static List<PublishSummary> AddRatios(List<PublishSummary> summaries)
    {
        double? baseline = summaries.FirstOrDefault(s => s.Mode == "batch-upload" && s.Error is null)?.WallSeconds;
        return [.. summaries.Select(s => s.Error is null && baseline is double b ? s with { WallRatioVsBatchUpload = s.WallSeconds / b } : s)];
    }

    public static void PrintTable(IReadOnlyList<PublishSummary> summaries)
    {
        if (summaries.Count == 0)
        {
            return;
        }

        string[] headers = ["publish", "partitions", "wall s", "part/s", "x batch", "setup s", "data s", "PUTs", "meta calls", "meta s client/server", "meta share", "meta part/s", "meta after data s", "submit->ok s", "verify s (queries)"];
        var rows = new List<string[]> { headers };
        foreach (PublishSummary s in summaries)
        {
            if (s.Error is not null)
            {
                rows.Add([s.Case, "FAILED: " + (s.Error.Length > 60 ? s.Error[..60] : s.Error), .. Enumerable.Repeat("", headers.Length - 2)]);
                continue;
            }

            bool publish = s.Mode == "publish";
            rows.Add(
            [
                s.Case,
                Invariant($"{s.Partitions} x {s.BytesPerPartition} B"),
                Invariant($"{s.WallSeconds:F2}"),
                Invariant($"{s.PartitionsPerSecond:F0}"),
                s.WallRatioVsBatchUpload is double r ? Invariant($"{r:F2}") : "-",
                Invariant($"{s.SetupSeconds:F3}"),
                Invariant($"{s.DataPhaseSeconds:F2}"),
                Invariant($"{s.PutBlobRequests}"),
                publish ? Invariant($"{s.UploadPartitionsRequests}") : "-",
                publish ? Invariant($"{s.UploadPartitionsClientSecondsSum:F3} / {s.UploadPartitionsServerSecondsSum:F3}") : "-",
                s.MetadataShareOfWall is double share ? Invariant($"{share:P1}") : "-",
                s.MetadataPartitionsPerSecond is double mps ? Invariant($"{mps:F0}") : "-",
                s.MetadataAfterDataSeconds is double after ? Invariant($"{after:F3}") : "-",
                s.SubmitToSucceededSeconds is double wait ? Invariant($"{wait:F3}") : "-",
                s.VerifySeconds is double verify ? Invariant($"{verify:F3} ({s.QueryPartitionsRequests})") : "-",
            ]);
        }

        int[] widths = [.. Enumerable.Range(0, headers.Length).Select(i => rows.Max(row => row[i].Length))];
        var text = new StringBuilder();
        for (int r = 0; r < rows.Count; r++)
        {
            text.Append('|');
            for (int i = 0; i < widths.Length; i++)
            {
                text.Append(' ').Append(r > 0 && i >= 1 ? rows[r][i].PadLeft(widths[i]) : rows[r][i].PadRight(widths[i])).Append(" |");
            }

            text.Append('\n');
            if (r == 0)
            {
                text.Append('|').AppendJoin("", widths.Select((w, i) => i >= 1 ? new string('-', w + 1) + ":|" : new string('-', w + 2) + "|")).Append('\n');
            }
        }

        Console.WriteLine();
        Console.Write(text.ToString());
        Console.WriteLine("meta = upload-partitions requests (client: send to response headers; server: the emulator's handling time); data = first blob PUT's arrival to last PUT's end;");
        Console.WriteLine("meta share = client meta time / wall (metadata overlaps the uploads); meta part/s = partitions / client meta time; x batch = wall / the batch-only baseline's wall.");
    }

    private static JournalEntry[] Of(JournalEntry[] entries, EmulatorOperation operation) => [.. entries.Where(e => e.Operation == operation).OrderBy(e => e.Timestamp)];

    private static DateTimeOffset End(JournalEntry entry) => entry.Timestamp + entry.Elapsed;
}
