using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using PartUploader.Emulator;
using PartUploader.Internal.Resilience;
using PartUploader.Internal.Transfer;

namespace PartUploader.IntegrationTests.EndToEnd;

/// <summary>One emulator per test class, on 127.0.0.1 with an OS-assigned port; switches and faults reset per test.</summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    public BlobEmulator Emulator { get; private set; } = null!;

    public async Task InitializeAsync() => Emulator = await BlobEmulator.StartAsync(new BlobEmulatorOptions { ProcessingDelay = TimeSpan.FromMilliseconds(20) });

    public async Task DisposeAsync() => await Emulator.DisposeAsync();
}

/// <summary>Builds clients against the emulator and checks what it stored.</summary>
public abstract class EmulatorTestBase : IDisposable
{
    public const long MiB = 1024 * 1024;
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan };
    private readonly string _tempDir = Directory.CreateTempSubdirectory("partuploader-e2e-").FullName;

    protected EmulatorTestBase(EmulatorFixture fixture)
    {
        Emulator = fixture.Emulator;
        Emulator.Faults.Clear();
        ResetSwitches(Emulator.Options);
    }

    protected BlobEmulator Emulator { get; }

    internal TransferDiagnostics Diagnostics { get; } = new();

    protected static void ResetSwitches(BlobEmulatorOptions o)
    {
        var defaults = new BlobEmulatorOptions();
        o.AssembleBy = defaults.AssembleBy;
        o.RequireConsecutivePartNumbers = defaults.RequireConsecutivePartNumbers;
        o.RequireAscendingPartList = defaults.RequireAscendingPartList;
        o.MinimumPartSize = defaults.MinimumPartSize;
        o.QuotedETags = defaults.QuotedETags;
        o.RelativeLinks = defaults.RelativeLinks;
        o.ProcessingDelay = TimeSpan.FromMilliseconds(20);
        o.CompletionOutcome = defaults.CompletionOutcome;
        o.ErrorBodyFormat = defaults.ErrorBodyFormat;
        o.ContentTypeMismatchStatus = defaults.ContentTypeMismatchStatus;
        o.AcceptDigestAliases = defaults.AcceptDigestAliases;
        o.MaxDataHandleLength = defaults.MaxDataHandleLength;
        o.StatusOfUnknownUpload = defaults.StatusOfUnknownUpload;
    }

    /// <summary>A client of the emulator; <paramref name="time"/> is the client's clock (timers of the engine), the retry pipeline keeps the system clock.</summary>
    protected PartUploadClient CreateClient(Action<PartUploadClientOptions>? configure = null, AccessTokenSource? tokens = null, TimeProvider? time = null)
    {
        var options = new PartUploadClientOptions
        {
            BaseUrl = Emulator.GetBlobBaseUrl(),
            PartSize = 5 * MiB,
            MaxConcurrency = 4,
            MaxBufferedBytes = 64 * MiB,
        };
        options.Retry.BaseDelay = TimeSpan.Zero;
        options.Retry.MaxDelay = TimeSpan.Zero;
        options.Retry.AttemptTimeout = TimeSpan.FromSeconds(30);
        configure?.Invoke(options);
        tokens ??= AccessTokenSource.FromToken(Emulator.IssueAccessToken());
        return new PartUploadClient(_http, options, tokens, NullLogger.Instance, time ?? TimeProvider.System,
            UploadPipeline.Create(options.Retry, TimeProvider.System, NullLogger.Instance), "test", lookup: null)
        {
            Diagnostics = Diagnostics,
        };
    }

    protected static PartUploadOptions Options(string handle, bool forceMultipart = true) => new()
    {
        LayerId = BlobEmulatorOptions.DemoVersionedLayerId,
        DataHandle = handle,
        ForceMultipart = forceMultipart,
    };

    protected static string NewHandle(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N");

    protected static byte[] Data(long length, int seed = 1)
    {
        byte[] data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    protected string WriteFile(byte[] data)
    {
        string path = Path.Combine(_tempDir, Guid.NewGuid().ToString("N") + ".bin");
        File.WriteAllBytes(path, data);
        return path;
    }

    /// <summary>Returns the first journal entry that matches, waiting for it through the journal's <c>Added</c> event (no polling): the emulator journals a request after answering it; fails after 30 seconds.</summary>
    protected async Task<JournalEntry> WaitForEntryAsync(Func<JournalEntry, bool> match)
    {
        var added = new TaskCompletionSource<JournalEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnAdded(JournalEntry entry)
        {
            if (match(entry))
            {
                added.TrySetResult(entry);
            }
        }

        Emulator.Journal.Added += OnAdded;
        try
        {
            return Emulator.Journal.Entries.FirstOrDefault(match) ?? await added.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            Emulator.Journal.Added -= OnAdded;
        }
    }

    protected void ShouldHaveStored(string handle, byte[] expected) => ShouldHaveStored(Emulator, handle, expected);

    /// <summary>Asserts that <paramref name="emulator"/> stores exactly <paramref name="expected"/> under the handle in the demo versioned layer.</summary>
    internal static void ShouldHaveStored(BlobEmulator emulator, string handle, byte[] expected)
    {
        using Stream? stored = emulator.OpenBlob(BlobEmulatorOptions.DemoVersionedLayerId, handle);
        stored.ShouldNotBeNull($"no blob stored under {handle}");
        using var copy = new MemoryStream();
        stored.CopyTo(copy);
        copy.Length.ShouldBe(expected.LongLength);
        Convert.ToHexString(SHA256.HashData(copy.ToArray())).ShouldBe(Convert.ToHexString(SHA256.HashData(expected)), "the stored blob differs from the source");
    }

    protected UploadRecord UploadOf(string handle) => Emulator.Uploads.Single(u => u.DataHandle == handle);

    /// <summary>Every part number one upload's requests carried must be distinct (spec 2.2, 4.3).</summary>
    protected void ShouldNeverReuseNumbers(string handle)
    {
        IReadOnlyList<int> numbers = UploadOf(handle).PartNumbersReceived;
        numbers.Count.ShouldBe(numbers.Distinct().Count(), $"a part number was sent twice: {string.Join(",", numbers)}");
    }

    /// <summary>The most part requests of one upload the emulator was serving at the same moment.</summary>
    protected int PeakConcurrentParts(string handle)
    {
        string id = UploadOf(handle).UploadId;
        var events = Emulator.Journal.Entries
            .Where(e => e.UploadId == id && e.Operation == EmulatorOperation.UploadPart)
            .SelectMany(e => new[] { (e.Timestamp, +1), (e.Timestamp + e.Elapsed, -1) })
            .OrderBy(e => e.Item1).ThenBy(e => e.Item2);
        int now = 0, peak = 0;
        foreach ((_, int delta) in events)
        {
            now += delta;
            peak = Math.Max(peak, now);
        }

        return peak;
    }

    public void Dispose()
    {
        _http.Dispose();
        Directory.Delete(_tempDir, recursive: true);
        GC.SuppressFinalize(this);
    }
}

/// <summary>A non-seekable stream over bytes, as a pipe or a network stream would be: at most <paramref name="maxRead"/> bytes per read.</summary>
public sealed class NonSeekableStream(byte[] data, int maxRead = 100_000) : Stream
{
    private readonly MemoryStream _inner = new(data);

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public bool Disposed { get; private set; }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, maxRead));
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _inner.ReadAsync(buffer[..Math.Min(buffer.Length, maxRead)], cancellationToken);
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }
}
