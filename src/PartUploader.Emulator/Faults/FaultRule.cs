using System.Runtime.CompilerServices;

namespace PartUploader.Emulator;

/// <summary>
/// One scripted fault: which requests it matches and what it does. Build one with a static factory and refine the match
/// with a <see langword="with"/> expression, for example
/// <c>FaultRule.Status(503, TimeSpan.FromSeconds(1)) with { Operation = EmulatorOperation.UploadPart, PartNumber = 3 }</c>.
/// </summary>
/// <remarks>
/// A rule counts the requests that match its filters. The first <see cref="Skip"/> matches pass; after that it fires on
/// every <see cref="EveryNth"/>-th match until it has fired <see cref="Times"/> times. Counting is atomic (the plan
/// evaluates rules under one lock), so the outcome is deterministic for a given request order. A <see langword="with"/>
/// copy starts with fresh counters. Rules compare by reference.
/// </remarks>
public sealed record FaultRule
{
    /// <summary>The value of <see cref="Times"/> that never runs out.</summary>
    public const int Unlimited = int.MaxValue;

    private int _matched;
    private int _fired;

    /// <summary>Initializes a new rule of the given kind.</summary>
    /// <param name="kind">What the rule does when it fires.</param>
    public FaultRule(FaultKind kind) => Kind = kind;

    private FaultRule(FaultRule original)
    {
        Kind = original.Kind;
        Name = original.Name;
        Operation = original.Operation;
        PartNumber = original.PartNumber;
        UploadId = original.UploadId;
        DataHandle = original.DataHandle;
        Skip = original.Skip;
        EveryNth = original.EveryNth;
        Times = original.Times;
        StatusCode = original.StatusCode;
        RetryAfter = original.RetryAfter;
        AfterBytes = original.AfterBytes;
        Delay = original.Delay;
    }

    /// <summary>Gets what the rule does when it fires.</summary>
    public FaultKind Kind { get; init; }

    /// <summary>Gets the name recorded in <see cref="JournalEntry.FaultApplied"/>.</summary>
    /// <value>The default value is <see langword="null"/>, which records the kind's name.</value>
    public string? Name { get; init; }

    /// <summary>Gets the operation to match, or <see langword="null"/> for any.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public EmulatorOperation? Operation { get; init; }

    /// <summary>Gets the part number to match (upload-part requests only), or <see langword="null"/> for any.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public int? PartNumber { get; init; }

    /// <summary>Gets the upload ID to match, or <see langword="null"/> for any.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? UploadId { get; init; }

    /// <summary>Gets the data handle to match, or <see langword="null"/> for any.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? DataHandle { get; init; }

    /// <summary>Gets how many matching requests pass before the rule may fire.</summary>
    /// <value>The default value is 0.</value>
    public int Skip { get; init; }

    /// <summary>Gets the period of firing among matches after <see cref="Skip"/> (1 = every match).</summary>
    /// <value>The default value is 1.</value>
    public int EveryNth { get; init; } = 1;

    /// <summary>Gets how many times the rule fires in total (<see cref="Unlimited"/> for always).</summary>
    /// <value>The default value is 1.</value>
    public int Times { get; init; } = 1;

    /// <summary>Gets the status code answered by a <see cref="FaultKind.Status"/> rule.</summary>
    /// <value>The default value is 503.</value>
    public int StatusCode { get; init; } = 503;

    /// <summary>Gets the <c>Retry-After</c> value (whole seconds) sent by a <see cref="FaultKind.Status"/> rule, or <see langword="null"/> for none.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Gets how many body bytes a <see cref="FaultKind.ResetAfterBytes"/> rule lets through before the reset, or a
    /// <see cref="FaultKind.StallBody"/> rule reads before the stall.</summary>
    /// <value>The default value is 0.</value>
    public long AfterBytes { get; init; }

    /// <summary>Gets how long a <see cref="FaultKind.DelayResponse"/> rule holds the response, or a <see cref="FaultKind.StallBody"/>
    /// rule stops reading (<see cref="Timeout.InfiniteTimeSpan"/>: until the client gives up).</summary>
    /// <value>The default value is <see cref="TimeSpan.Zero"/>.</value>
    public TimeSpan Delay { get; init; }

    /// <summary>Gets how many times the rule has fired.</summary>
    public int Fired => Volatile.Read(ref _fired);

    /// <summary>Gets how many requests have matched the rule's filters (fired or not).</summary>
    public int Matched => Volatile.Read(ref _matched);

    /// <summary>Creates a rule that answers a status code without touching state.</summary>
    /// <param name="statusCode">The status code, for example 503.</param>
    /// <param name="retryAfter">The <c>Retry-After</c> value to send, or <see langword="null"/> for none.</param>
    /// <returns>The rule.</returns>
    public static FaultRule Status(int statusCode, TimeSpan? retryAfter = null) =>
        new(FaultKind.Status) { StatusCode = statusCode, RetryAfter = retryAfter };

    /// <summary>Creates a rule that resets the connection before reading the request body.</summary>
    /// <returns>The rule.</returns>
    public static FaultRule ResetBeforeBody() => new(FaultKind.ResetBeforeBody);

    /// <summary>Creates a rule that resets the connection after some bytes of the request body.</summary>
    /// <param name="bytes">How many body bytes to read before the reset.</param>
    /// <returns>The rule.</returns>
    public static FaultRule ResetAfterBytes(long bytes) => new(FaultKind.ResetAfterBytes) { AfterBytes = bytes };

    /// <summary>Creates a rule that processes the request but delays the first byte of the response.</summary>
    /// <param name="delay">The delay; <see cref="Timeout.InfiniteTimeSpan"/> holds the response until the client gives up.</param>
    /// <returns>The rule.</returns>
    public static FaultRule DelayResponse(TimeSpan delay) => new(FaultKind.DelayResponse) { Delay = delay };

    /// <summary>Creates a rule that stops reading the request body halfway, so the client's upload of the body stalls.</summary>
    /// <param name="afterBytes">How many body bytes to read before the stall.</param>
    /// <param name="delay">How long to stop reading, on the emulator's clock; <see cref="Timeout.InfiniteTimeSpan"/> stops until the client gives up.</param>
    /// <returns>The rule.</returns>
    public static FaultRule StallBody(long afterBytes, TimeSpan delay) => new(FaultKind.StallBody) { AfterBytes = afterBytes, Delay = delay };

    /// <summary>Creates a rule that makes the matched upload's final status <c>failed</c>.</summary>
    /// <returns>The rule.</returns>
    public static FaultRule FailUpload() => new(FaultKind.FailUpload) { Operation = EmulatorOperation.CompleteMultipart };

    /// <summary>Creates a rule that invalidates the caller's token and answers 401.</summary>
    /// <returns>The rule.</returns>
    public static FaultRule ExpireToken() => new(FaultKind.ExpireToken);

    /// <summary>Creates a rule that accepts a part but corrupts its stored bytes.</summary>
    /// <returns>The rule.</returns>
    public static FaultRule CorruptStoredBytes() => new(FaultKind.CorruptStoredBytes) { Operation = EmulatorOperation.UploadPart };

    /// <inheritdoc />
    public bool Equals(FaultRule? other) => ReferenceEquals(this, other);

    /// <inheritdoc />
    public override int GetHashCode() => RuntimeHelpers.GetHashCode(this);

    internal string DisplayName => Name ?? Kind.ToString();

    internal bool Matches(in FaultRequest request) =>
        (Operation is null || Operation == request.Operation)
        && (PartNumber is null || PartNumber == request.PartNumber)
        && (UploadId is null || string.Equals(UploadId, request.UploadId, StringComparison.Ordinal))
        && (DataHandle is null || string.Equals(DataHandle, request.DataHandle, StringComparison.Ordinal));

    // Called under the plan's lock.
    internal bool CountAndDecide()
    {
        int matched = ++_matched;
        if (matched <= Skip || _fired >= Times)
        {
            return false;
        }

        int period = Math.Max(1, EveryNth);
        if ((matched - Skip - 1) % period != 0)
        {
            return false;
        }

        _fired++;
        return true;
    }
}
