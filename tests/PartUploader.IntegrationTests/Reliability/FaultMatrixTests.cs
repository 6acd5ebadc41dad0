using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using PartUploader.Emulator;
using PartUploader.IntegrationTests.EndToEnd;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace PartUploader.IntegrationTests.Reliability;

/// <summary>The faults of the matrix, each injected by the emulator over real HTTP.</summary>
public enum MatrixFault
{
    Status500,
    Status502,
    Status503RetryAfter,
    Status504,
    Status429RetryAfter,
    Status408,
    ResetBeforeBody,
    ResetMidBody,
    SlowFirstByte,
    StatusEndsFailed,
    VanishOnPart,
    VanishOnComplete,
    TokenExpiresMidUpload,
    DigestMismatchReported,

    /// <summary>The service stops reading a part's body (forever): the client's stall timeout abandons the attempt.</summary>
    StallBody,

    /// <summary>The service reads the whole part and never starts its answer: the client's first-byte timeout abandons the attempt.</summary>
    NoFirstByte,

    /// <summary>A busy service: at most 1 or 2 blob requests in flight (503 with <c>Retry-After</c> beyond), the client at MaxConcurrency 16.</summary>
    Capacity,
}

/// <summary>Collects one outcome per (fault, seed) cell across the class's tests.</summary>
public sealed class FaultMatrixReport
{
    public ConcurrentDictionary<(MatrixFault Fault, int Seed), CellOutcome> Cells { get; } = new();
}

/// <param name="Outcome">"completed" or the typed error, e.g. "UploadNotFoundException 404".</param>
/// <param name="Retries">The retries the client reported (completed runs; 0 for failed runs).</param>
/// <param name="PartRequests">The upload-part requests the emulator received, all with distinct numbers.</param>
/// <param name="ServerState">The upload's final state on the emulator.</param>
public sealed record CellOutcome(string Outcome, int Retries, int PartRequests, UploadState ServerState);

/// <summary>Runs the matrix cells first and the test that prints the matrix last.</summary>
public sealed class MatrixLastOrderer : ITestCaseOrderer
{
    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases)
        where TTestCase : ITestCase =>
        testCases.OrderBy(t => t.TestMethod.Method.Name == nameof(FaultMatrixTests.Matrix_IsCompleteAndPrinted) ? 1 : 0)
            .ThenBy(t => t.DisplayName, StringComparer.Ordinal);
}

/// <summary>
/// Fault kind × seed: every run ends byte-identical, or with the documented typed error and the upload cancelled or failed
/// on the server; no part number is ever sent twice; no upload is left open. The seed picks the part count, the
/// concurrency and which request(s) the fault hits (a part number, a skip count, or every other request).
/// </summary>
[TestCaseOrderer("PartUploader.IntegrationTests.Reliability.MatrixLastOrderer", "PartUploader.IntegrationTests")]
public sealed class FaultMatrixTests(EmulatorFixture fixture, FaultMatrixReport report, ITestOutputHelper output)
    : EmulatorTestBase(fixture), IClassFixture<EmulatorFixture>, IClassFixture<FaultMatrixReport>
{
    /// <summary>Five seeds by default; <c>PARTUPLOADER_LONG_TESTS=1</c> runs 25 (each targeting variant with other data, sizes and concurrency).</summary>
    public static readonly int Seeds = Environment.GetEnvironmentVariable("PARTUPLOADER_LONG_TESTS") == "1" ? 25 : 5;

    public static TheoryData<MatrixFault, int> Cells()
    {
        var data = new TheoryData<MatrixFault, int>();
        foreach (MatrixFault fault in Enum.GetValues<MatrixFault>())
        {
            for (int seed = 0; seed < Seeds; seed++)
            {
                data.Add(fault, seed);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Cell_EndsByteIdenticalOrTypedWithTheUploadClosed(MatrixFault fault, int seed)
    {
        CellOutcome outcome = await RunCellAsync(fault, seed);
        report.Cells[(fault, seed)] = outcome;
    }

    /// <summary>Runs last (see <see cref="MatrixLastOrderer"/>); fills in cells a filtered run skipped, then prints the matrix.</summary>
    [Fact]
    public async Task Matrix_IsCompleteAndPrinted()
    {
        foreach (MatrixFault fault in Enum.GetValues<MatrixFault>())
        {
            for (int seed = 0; seed < Seeds; seed++)
            {
                if (!report.Cells.ContainsKey((fault, seed)))
                {
                    report.Cells[(fault, seed)] = await RunCellAsync(fault, seed);
                }
            }
        }

        string markdown = Render(report.Cells);
        output.WriteLine(markdown);
        string path = Path.Combine(AppContext.BaseDirectory, "fault-matrix.md");
        await File.WriteAllTextAsync(path, markdown);
        output.WriteLine("written to " + Path.GetFileName(path) + " in the test output directory");

        report.Cells.Count.ShouldBe(Enum.GetValues<MatrixFault>().Length * Seeds);
        report.Cells.Values.ShouldAllBe(c => c.ServerState != UploadState.Open);
        Emulator.Uploads.Where(u => u.DataHandle.StartsWith("fm-", StringComparison.Ordinal)).ShouldAllBe(u => u.State != UploadState.Open, "an upload of the matrix was left open");
    }

    private async Task<CellOutcome> RunCellAsync(MatrixFault fault, int seed)
    {
        seed.ShouldBeLessThan(Seeds);

        // Variant 4 faults the third and fourth part requests in order: it needs three parts sent one at a time.
        int variant = seed % 5;
        int partCount = variant == 4 ? 3 + (seed % 2) : 2 + (seed % 3);

        if (fault == MatrixFault.Capacity)
        {
            // Enough parts to overflow a capacity of 2 while each part's answer is held (see RuleFor).
            partCount = 4 + (seed % 3);
        }

        // A token that expires twice must expire on two different parts: a part whose refreshed token is rejected again
        // fails by design (one refresh per part), and with parts in flight together the second expiry could hit a retry.
        bool sequential = seed % 2 == 0 || variant == 4 || (fault == MatrixFault.TokenExpiresMidUpload && variant == 3);
        byte[] data = Data(((partCount - 1) * 5 * MiB) + 700_000 + (seed * 4099), seed: 1000 + ((int)fault * 10) + seed);
        string handle = NewHandle("fm-" + fault.ToString().ToLowerInvariant() + "-" + seed.ToString(CultureInfo.InvariantCulture));
        FaultRule rule = Emulator.Faults.Add(RuleFor(fault, seed, partCount) with { DataHandle = handle });

        string token = Emulator.IssueAccessToken();
        int refreshes = 0;
        var tokens = AccessTokenSource.FromDelegate((force, _) =>
        {
            if (force)
            {
                Interlocked.Increment(ref refreshes);
                Volatile.Write(ref token, Emulator.IssueAccessToken());
            }

            return Task.FromResult(new AccessToken(Volatile.Read(ref token), DateTimeOffset.MaxValue));
        });

        bool stall = fault is MatrixFault.StallBody or MatrixFault.NoFirstByte;
        PartUploadClient client = CreateClient(
            o =>
            {
                o.MaxConcurrency = fault == MatrixFault.Capacity ? 16 : sequential ? 1 : 3;
                o.MaxBufferedBytes = Math.Max(o.MaxBufferedBytes, (partCount + 1) * 5L * MiB);
                o.Retry.MaxRetryAfter = TimeSpan.FromSeconds(2);

                // Stall kinds: an attempt timeout far beyond the cell's 90 s, so only the stall and first-byte timeouts can
                // end a stalled attempt in time.
                o.Retry.AttemptTimeout = fault == MatrixFault.SlowFirstByte ? TimeSpan.FromSeconds(1) : stall ? TimeSpan.FromMinutes(10) : TimeSpan.FromSeconds(30);
                o.Retry.StallTimeout = stall ? TimeSpan.FromSeconds(1) : o.Retry.StallTimeout;
                o.Retry.FirstByteTimeout = stall ? TimeSpan.FromSeconds(1) : o.Retry.FirstByteTimeout;
                o.CompletionTimeout = TimeSpan.FromSeconds(20);
            },
            tokens);
        int capacity = 1 + (seed % 2);
        if (fault == MatrixFault.Capacity)
        {
            Emulator.Options.MaxRequestsInFlight = capacity;
        }

        PartUploadResult? result = null;
        Exception? error = null;
        try
        {
            result = await client.UploadAsync(WriteFile(data), Options(handle)).WaitAsync(TimeSpan.FromSeconds(90));
        }
        catch (TimeoutException)
        {
            throw new ShouldAssertException($"{fault}/{seed}: the upload neither completed nor failed within 90 s");
        }
#pragma warning disable CA1031 // Any exception is an outcome the matrix records and judges.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            error = ex;
        }
        finally
        {
            Emulator.Faults.Remove(rule);
            Emulator.Options.MaxRequestsInFlight = null;
        }

        rule.Fired.ShouldBeGreaterThan(0, $"{fault}/{seed}: the fault never fired, so the cell proves nothing");
        if (fault == MatrixFault.Capacity)
        {
            Emulator.Journal.Entries.Count(e => e.FaultApplied == "capacity" && e.Path.Contains(handle, StringComparison.Ordinal))
                .ShouldBeGreaterThan(0, $"{fault}/{seed}: the service at capacity {capacity} never refused a request, so the cell proves nothing");
        }

        ShouldNeverReuseNumbers(handle);
        UploadRecord upload = UploadOf(handle);
        upload.State.ShouldNotBe(UploadState.Open, $"{fault}/{seed}: the upload was left open on the server");

        Expected expected = ExpectedFor(fault, seed);
        if (error is null)
        {
            expected.MayComplete.ShouldBeTrue($"{fault}/{seed}: completed, but {expected.Describe()} was expected");
            upload.State.ShouldBe(UploadState.Completed);
            ShouldHaveStored(handle, data);
            if (fault == MatrixFault.TokenExpiresMidUpload)
            {
                refreshes.ShouldBeGreaterThanOrEqualTo(1, "the expired token was never refreshed");
            }

            return new CellOutcome("completed", result!.Retries, upload.PartNumbersReceived.Count, upload.State);
        }

        if (expected.ErrorType is null || !expected.ErrorType.IsInstanceOfType(error))
        {
            throw new ShouldAssertException($"{fault}/{seed}: expected {expected.Describe()}, got {error}");
        }

        var typed = (PartUploadException)error;
        if (expected.Status is int status)
        {
            typed.Status.ShouldBe(status, $"{fault}/{seed}: {typed.Message}");
        }

        if (expected.ErrorCode is string code)
        {
            typed.ErrorCode.ShouldBe(code, $"{fault}/{seed}: {typed.Message}");
        }

        typed.DataHandle.ShouldBe(handle);
        Emulator.GetBlob(BlobEmulatorOptions.DemoVersionedLayerId, handle).ShouldBeNull($"{fault}/{seed}: a failed upload left a blob");
        upload.State.ShouldBeOneOf(UploadState.Cancelled, UploadState.Failed);
        string label = string.Create(CultureInfo.InvariantCulture, $"{error.GetType().Name} {typed.Status} {typed.ErrorCode}").TrimEnd();
        return new CellOutcome(label, 0, upload.PartNumbersReceived.Count, upload.State);
    }

    /// <summary>Variant (seed mod 5) 0: part 1. 1: the last part. 2: the second request. 3: every other request, twice. 4: the third and fourth requests.</summary>
    private static FaultRule Target(FaultRule rule, int seed, int partCount) => (seed % 5) switch
    {
        0 => rule with { Operation = EmulatorOperation.UploadPart, PartNumber = 1 },
        1 => rule with { Operation = EmulatorOperation.UploadPart, PartNumber = partCount },
        2 => rule with { Operation = EmulatorOperation.UploadPart, Skip = 1 },
        3 => rule with { Operation = EmulatorOperation.UploadPart, EveryNth = 2, Times = 2 },
        _ => rule with { Operation = EmulatorOperation.UploadPart, Skip = 2, Times = 2 },
    };

    private static FaultRule RuleFor(MatrixFault fault, int seed, int partCount)
    {
        TimeSpan retryAfter = TimeSpan.FromSeconds(seed % 2);
        int variant = seed % 5;
        return fault switch
        {
            MatrixFault.Status500 => Target(FaultRule.Status(500), seed, partCount),
            MatrixFault.Status502 => Target(FaultRule.Status(502), seed, partCount),
            MatrixFault.Status503RetryAfter => Target(FaultRule.Status(503, retryAfter), seed, partCount),
            MatrixFault.Status504 => Target(FaultRule.Status(504), seed, partCount),
            MatrixFault.Status429RetryAfter => Target(FaultRule.Status(429, retryAfter), seed, partCount),
            MatrixFault.Status408 => Target(FaultRule.Status(408), seed, partCount),
            MatrixFault.ResetBeforeBody => Target(FaultRule.ResetBeforeBody(), seed, partCount),
            MatrixFault.ResetMidBody => Target(FaultRule.ResetAfterBytes((256 * 1024) + (variant * 65_536)), seed, partCount),
            MatrixFault.SlowFirstByte => Target(FaultRule.DelayResponse(Timeout.InfiniteTimeSpan), seed, partCount),
            MatrixFault.StatusEndsFailed => FaultRule.FailUpload(),
            MatrixFault.VanishOnPart => Target(FaultRule.Status(404), seed, partCount),
            MatrixFault.VanishOnComplete => FaultRule.Status(404) with { Operation = EmulatorOperation.CompleteMultipart, Times = 1 + (seed % 2) },
            // Seeds 3 and 4: the token expires twice, on different parts (a refreshed token rejected again is a real auth failure).
            MatrixFault.TokenExpiresMidUpload when variant >= 3 => FaultRule.ExpireToken() with { Operation = EmulatorOperation.UploadPart, Skip = 1, EveryNth = 2, Times = 2 },
            MatrixFault.TokenExpiresMidUpload => Target(FaultRule.ExpireToken(), seed, partCount),
            MatrixFault.DigestMismatchReported when variant == 3 => FaultRule.Status(400) with { Operation = EmulatorOperation.UploadPart, Times = FaultRule.Unlimited },
            MatrixFault.DigestMismatchReported => Target(FaultRule.Status(400), seed, partCount),
            MatrixFault.StallBody => Target(FaultRule.StallBody((256 * 1024) + (variant * 65_536), Timeout.InfiniteTimeSpan), seed, partCount),
            MatrixFault.NoFirstByte => Target(FaultRule.DelayResponse(Timeout.InfiniteTimeSpan), seed, partCount),

            // Every part's answer is held 500 ms, so the parts the window sends at once overlap and the capacity refuses some.
            MatrixFault.Capacity => FaultRule.DelayResponse(TimeSpan.FromMilliseconds(500)) with { Operation = EmulatorOperation.UploadPart, Times = FaultRule.Unlimited },
            _ => throw new ArgumentOutOfRangeException(nameof(fault)),
        };
    }

    private sealed record Expected(bool MayComplete, Type? ErrorType, int? Status = null, string? ErrorCode = null)
    {
        public string Describe() => ErrorType is null ? "a byte-identical completion" : $"{ErrorType.Name} (Status {Status}, ErrorCode {ErrorCode})";
    }

    private static Expected ExpectedFor(MatrixFault fault, int seed) => fault switch
    {
        MatrixFault.StatusEndsFailed => new(false, typeof(PartUploadException), ErrorCode: "UploadFailed"),
        MatrixFault.VanishOnPart => new(false, typeof(UploadNotFoundException), Status: 404),
        MatrixFault.VanishOnComplete => new(false, typeof(UploadNotFoundException), Status: 404),

        // Seed 3 rejects every part, seed 4 the last part and its retry (one part at a time): a part rejected twice is not retried again.
        MatrixFault.DigestMismatchReported when seed % 5 >= 3 => new(false, typeof(PartUploadException), Status: 400),
        _ => new(true, null),
    };

    private static string Render(ConcurrentDictionary<(MatrixFault Fault, int Seed), CellOutcome> cells)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| Fault | " + string.Join(" | ", Enumerable.Range(0, Seeds).Select(s => "seed " + s.ToString(CultureInfo.InvariantCulture))) + " | Outcome counts | Retries | Part requests |");
        sb.AppendLine("|---|" + string.Concat(Enumerable.Repeat("---|", Seeds)) + "---|---|---|");
        foreach (IGrouping<MatrixFault, KeyValuePair<(MatrixFault Fault, int Seed), CellOutcome>> row in cells.OrderBy(c => c.Key.Fault).ThenBy(c => c.Key.Seed).GroupBy(c => c.Key.Fault))
        {
            string counts = string.Join(", ", row.GroupBy(c => c.Value.Outcome).Select(g => $"{g.Key} ×{g.Count()}"));
            sb.Append("| ").Append(row.Key).Append(" | ")
                .Append(string.Join(" | ", row.Select(c => c.Value.Outcome + (c.Value.Outcome == "completed" ? string.Empty : " (" + c.Value.ServerState + ")"))))
                .Append(" | ").Append(counts)
                .Append(" | ").Append(row.Sum(c => c.Value.Retries).ToString(CultureInfo.InvariantCulture))
                .Append(" | ").Append(row.Sum(c => c.Value.PartRequests).ToString(CultureInfo.InvariantCulture)).AppendLine(" |");
        }

        return sb.ToString();
    }
}
