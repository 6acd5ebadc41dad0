using Microsoft.Extensions.Options;
using PartUploader.Emulator;
using PartUploader.IntegrationTests.EndToEnd;

namespace PartUploader.IntegrationTests.Reliability;

/// <summary>
/// Bad input, one table: each case names the exception type and a message fragment it must produce, and whether the
/// problem can only be known from the service or from the source's bytes (then the upload must end cancelled on the
/// server); every other case must fail before any request reaches the emulator.
/// </summary>
public sealed class BadInputTests(EmulatorFixture fixture) : EmulatorTestBase(fixture), IClassFixture<EmulatorFixture>
{
    private const long GB = 1_000_000_000;

    /// <summary>Where a case may fail: before any request, after the start call only (no part bytes), or after parts (the upload must end cancelled).</summary>
    public enum Reach
    {
        NoRequest,
        ServiceAnswer,
        CancelledUpload,
    }

    private sealed record Case(Type Expected, string Fragment, Reach Reach, Func<BadInputTests, string, Task> Act, string? ErrorCode = null);

    private static readonly Dictionary<string, Case> s_cases = new()
    {
        // Sources.
        ["null stream"] = new(typeof(ArgumentNullException), "content", Reach.NoRequest,
            (t, h) => t.Client().UploadAsync((Stream)null!, Options(h))),
        ["write-only stream"] = new(typeof(ArgumentException), "not readable", Reach.NoRequest,
            (t, h) => t.WithWriteOnlyStream(s => t.Client().UploadAsync(s, Options(h)))),
        ["null options"] = new(typeof(ArgumentNullException), "options", Reach.NoRequest,
            (t, h) => t.Client().UploadAsync(t.SmallFile(), null!)),
        ["missing file"] = new(typeof(FileNotFoundException), "no-such-file.bin", Reach.NoRequest,
            (t, h) => t.Client().UploadAsync(Path.Combine(t.Scratch, "no-such-file.bin"), Options(h))),
        ["file path is a directory"] = new(typeof(UnauthorizedAccessException), "Access to the path", Reach.NoRequest,
            (t, h) => t.Client().UploadAsync(t.Scratch, Options(h))),
        ["file locked by another handle (FileShare.None)"] = new(typeof(IOException), "being used by another process", Reach.NoRequest,
            (t, h) => t.WithLockedFile(path => t.Client().UploadAsync(path, Options(h)))),
        ["empty file path"] = new(typeof(ArgumentException), "filePath", Reach.NoRequest,
            (t, h) => t.Client().UploadAsync(" ", Options(h))),

        // Upload options.
        ["empty data handle"] = new(typeof(ArgumentException), "DataHandle must not be empty", Reach.NoRequest,
            (t, h) => t.Client().UploadAsync(t.SmallFile(), Options(string.Empty))),
        ["data handle with '/'"] = new(typeof(ArgumentException), "not allowed at position 4", Reach.NoRequest,
            (t, h) => t.Client().UploadAsync(t.SmallFile(), Options("abcd/efg"))),
        ["data handle with a space"] = new(typeof(ArgumentException), "not allowed at position 1", Reach.NoRequest,
            (t, h) => t.Client().UploadAsync(t.SmallFile(), Options("a b"))),
        ["data handle with non-ASCII"] = new(typeof(ArgumentException), "not allowed at position 0", Reach.NoRequest,
            (t, h) => t.Client().UploadAsync(t.SmallFile(), Options("é-handle"))),
        ["data handle of 601 characters"] = new(typeof(ArgumentException), "601 characters long; at most 600", Reach.NoRequest,
            (t, h) => t.Client().UploadAsync(t.SmallFile(), Options(new string('a', 601)))),
        ["data handle of 1024 characters without MaxDataHandleLength=1024"] = new(typeof(ArgumentException), "1024 characters long; at most 600", Reach.NoRequest,
            (t, h) => t.Client().UploadAsync(t.SmallFile(), Options(new string('a', 1024)))),
        ["data handle of 1025 characters with MaxDataHandleLength=1024"] = new(typeof(ArgumentException), "1025 characters long; at most 1024", Reach.NoRequest,
            (t, h) => t.Client(o => o.MaxDataHandleLength = 1024).UploadAsync(t.SmallFile(), Options(new string('a', 1025)))),
        ["empty layer id"] = new(typeof(ArgumentException), "LayerId", Reach.NoRequest,
            (t, h) => t.Client().UploadAsync(t.SmallFile(), Options(h).With(o => o.LayerId = string.Empty))),
        ["layer id with '/'"] = new(typeof(ArgumentException), "LayerId", Reach.NoRequest,
            (t, h) => t.Client().UploadAsync(t.SmallFile(), Options(h).With(o => o.LayerId = "a/b"))),
        ["empty content type"] = new(typeof(ArgumentException), "ContentType", Reach.NoRequest,
            (t, h) => t.Client().UploadAsync(t.SmallFile(), Options(h).With(o => o.ContentType = string.Empty))),
        ["invalid content type"] = new(typeof(ArgumentException), "ContentType", Reach.NoRequest,
            (t, h) => t.Client().UploadAsync(t.SmallFile(), Options(h).With(o => o.ContentType = "not a media type"))),
        ["invalid content encoding"] = new(typeof(ArgumentException), "ContentEncoding", Reach.NoRequest,
            (t, h) => t.Client().UploadAsync(t.SmallFile(), Options(h).With(o => o.ContentEncoding = "g zip"))),
        ["unknown layer (from the service)"] = new(typeof(PartUploadException), "404", Reach.ServiceAnswer,
            (t, h) => t.Client().UploadAsync(t.SmallFile(), Options(h).With(o => o.LayerId = "no-such-layer"))),

        // Client options.
        ["billing tag too short"] = new(typeof(OptionsValidationException), "BillingTag", Reach.NoRequest,
            (t, h) => t.Client(o => o.BillingTag = "ab").UploadAsync(t.SmallFile(), Options(h))),
        ["billing tag with punctuation"] = new(typeof(OptionsValidationException), "BillingTag", Reach.NoRequest,
            (t, h) => t.Client(o => o.BillingTag = "tag!tag").UploadAsync(t.SmallFile(), Options(h))),
        ["part size below 5 MiB"] = new(typeof(OptionsValidationException), "PartSize", Reach.NoRequest,
            (t, h) => t.Client(o => o.PartSize = (5 * MiB) - 1).UploadAsync(t.SmallFile(), Options(h))),
        ["part size above 5 GiB"] = new(typeof(OptionsValidationException), "PartSize", Reach.NoRequest,
            (t, h) => t.Client(o => { o.PartSize = (5L * 1024 * MiB) + 1; o.MaxBufferedBytes = 6L * 1024 * MiB; }).UploadAsync(t.SmallFile(), Options(h))),
        ["size that cannot fit the part numbers (Reserved, 2,501 parts)"] = new(typeof(ArgumentOutOfRangeException), "needs 2501 parts; at most 2500 fit", Reach.NoRequest,
            (t, h) => t.Client(o => { o.PartNumbering = PartNumbering.Reserved; o.ReservedNumbersPerPart = 4; })
                .UploadAsync(t.SparseFile(2_501 * 5 * MiB), Options(h))),
        ["budget too small for the automatic part size"] = new(typeof(ArgumentOutOfRangeException), "raise MaxBufferedBytes", Reach.NoRequest,
            (t, h) => t.Client(o => { o.PartSize = null; o.MaxBufferedBytes = 5 * MiB; o.SingleShotThreshold = MiB; })
                .UploadAsync(t.SparseFile(48 * GB), Options(h))),
        ["known length over 50 GB (sparse file)"] = new(typeof(ArgumentOutOfRangeException), "at most 50000000000 bytes (50 GB)", Reach.NoRequest,
            (t, h) => t.Client(o => o.PartSize = 64 * MiB).UploadAsync(t.SparseFile((50 * GB) + 1), Options(h))),
        ["known length over 50 GB (seekable stream)"] = new(typeof(ArgumentOutOfRangeException), "at most 50000000000 bytes (50 GB)", Reach.NoRequest,
            (t, h) => t.Client(o => o.PartSize = 64 * MiB).UploadAsync(new LyingStream(MiB, 60 * GB), Options(h))),
        ["MaxConcurrency zero"] = new(typeof(OptionsValidationException), "MaxConcurrency", Reach.NoRequest,
            (t, h) => t.Client(o => o.MaxConcurrency = 0).UploadAsync(t.SmallFile(), Options(h))),
        ["MaxConcurrency negative"] = new(typeof(OptionsValidationException), "MaxConcurrency", Reach.NoRequest,
            (t, h) => t.Client(o => o.MaxConcurrency = -3).UploadAsync(t.SmallFile(), Options(h))),
        ["MaxBufferedBytes zero"] = new(typeof(OptionsValidationException), "MaxBufferedBytes", Reach.NoRequest,
            (t, h) => t.Client(o => o.MaxBufferedBytes = 0).UploadAsync(t.SmallFile(), Options(h))),
        ["MaxBufferedBytes negative"] = new(typeof(OptionsValidationException), "MaxBufferedBytes", Reach.NoRequest,
            (t, h) => t.Client(o => o.MaxBufferedBytes = -1).UploadAsync(t.SmallFile(), Options(h))),
        ["MaxBufferedBytes smaller than one part"] = new(typeof(OptionsValidationException), "must hold at least one part of PartSize", Reach.NoRequest,
            (t, h) => t.Client(o => { o.PartSize = 16 * MiB; o.MaxBufferedBytes = 8 * MiB; o.SingleShotThreshold = MiB; }).UploadAsync(t.SmallFile(), Options(h))),
        ["unknown DigestAlgorithm value"] = new(typeof(OptionsValidationException), "DigestAlgorithm", Reach.NoRequest,
            (t, h) => t.Client(o => o.DigestAlgorithm = (DigestAlgorithm)42).UploadAsync(t.SmallFile(), Options(h))),
        ["unknown PartNumbering value"] = new(typeof(OptionsValidationException), "PartNumbering", Reach.NoRequest,
            (t, h) => t.Client(o => o.PartNumbering = (PartNumbering)42).UploadAsync(t.SmallFile(), Options(h))),
        ["MaxDataHandleLength over 1024"] = new(typeof(OptionsValidationException), "MaxDataHandleLength", Reach.NoRequest,
            (t, h) => t.Client(o => o.MaxDataHandleLength = 1025).UploadAsync(t.SmallFile(), Options(h))),
        ["invalid HRN in CatalogHrn"] = new(typeof(OptionsValidationException), "is not a catalog HRN", Reach.NoRequest,
            (t, h) => t.Client(o => { o.BaseUrl = null; o.CatalogHrn = "hrn:here:blob::x"; }).UploadAsync(t.SmallFile(), Options(h))),
        ["neither BaseUrl nor CatalogHrn"] = new(typeof(OptionsValidationException), "CatalogHrn (looked up) or BaseUrl", Reach.NoRequest,
            (t, h) => t.Client(o => o.BaseUrl = null).UploadAsync(t.SmallFile(), Options(h))),
        ["relative BaseUrl"] = new(typeof(OptionsValidationException), "BaseUrl must be an absolute http or https URL", Reach.NoRequest,
            (t, h) => t.Client(o => o.BaseUrl = new Uri("blobstore/v1/catalogs/x", UriKind.Relative)).UploadAsync(t.SmallFile(), Options(h))),
        ["ftp BaseUrl"] = new(typeof(OptionsValidationException), "BaseUrl must be an absolute http or https URL", Reach.NoRequest,
            (t, h) => t.Client(o => o.BaseUrl = new Uri("ftp://127.0.0.1/blobstore/v1/catalogs/x")).UploadAsync(t.SmallFile(), Options(h))),
        ["retry MaxAttempts zero"] = new(typeof(OptionsValidationException), "MaxAttempts", Reach.NoRequest,
            (t, h) => t.Client(o => o.Retry.MaxAttempts = 0).UploadAsync(t.SmallFile(), Options(h))),
        ["retry BaseDelay negative"] = new(typeof(OptionsValidationException), "Retry.BaseDelay", Reach.NoRequest,
            (t, h) => t.Client(o => o.Retry.BaseDelay = TimeSpan.FromSeconds(-1)).UploadAsync(t.SmallFile(), Options(h))),
        ["retry AttemptTimeout negative"] = new(typeof(OptionsValidationException), "Retry.AttemptTimeout", Reach.NoRequest,
            (t, h) => t.Client(o => o.Retry.AttemptTimeout = TimeSpan.FromSeconds(-1)).UploadAsync(t.SmallFile(), Options(h))),
        ["retry budget negative"] = new(typeof(OptionsValidationException), "RetryBudget", Reach.NoRequest,
            (t, h) => t.Client(o => o.Retry.RetryBudget = -1).UploadAsync(t.SmallFile(), Options(h))),
        ["CancelTimeout zero"] = new(typeof(OptionsValidationException), "CancelTimeout", Reach.NoRequest,
            (t, h) => t.Client(o => o.CancelTimeout = TimeSpan.Zero).UploadAsync(t.SmallFile(), Options(h))),

        // Credentials.
        ["credentials file lacking here.access.key.secret"] = new(typeof(PartUploadAuthenticationException), "here.access.key.secret", Reach.NoRequest,
            (t, h) => Task.FromResult(HereCredentials.FromFile(t.CredentialsWithout("here.access.key.secret"))), ErrorCode: "MissingCredential"),
        ["credentials file lacking here.access.key.id"] = new(typeof(PartUploadAuthenticationException), "here.access.key.id", Reach.NoRequest,
            (t, h) => Task.FromResult(HereCredentials.FromFile(t.CredentialsWithout("here.access.key.id"))), ErrorCode: "MissingCredential"),
        ["missing credentials file"] = new(typeof(PartUploadAuthenticationException), "was not found", Reach.NoRequest,
            (t, h) => Task.FromResult(HereCredentials.FromFile(Path.Combine(t.Scratch, "absent.properties"))), ErrorCode: "CredentialsFileNotFound"),

        // Journals.
        ["JournalPath with a stream upload"] = new(typeof(ArgumentException), "JournalPath is for file uploads", Reach.NoRequest,
            (t, h) => t.Client().UploadAsync(new MemoryStream(new byte[10]), Options(h).With(o => o.JournalPath = t.JournalFile()))),
        ["JournalPath with PartNumbering.Reserved"] = new(typeof(ArgumentException), "JournalPath needs PartNumbering.FreshOnRetry", Reach.NoRequest,
            (t, h) => t.Client(o => o.PartNumbering = PartNumbering.Reserved).UploadAsync(t.SmallFile(), Options(h).With(o => o.JournalPath = t.JournalFile()))),
        ["JournalPath naming a directory"] = new(typeof(ArgumentException), "JournalPath must be a file path", Reach.NoRequest,
            (t, h) => t.Client().UploadAsync(t.SmallFile(), Options(h).With(o => o.JournalPath = t.Scratch))),
        ["ResumeAsync without JournalPath"] = new(typeof(ArgumentException), "JournalPath must name the journal", Reach.NoRequest,
            (t, h) => t.Client().ResumeAsync(t.SmallFile(), Options(h))),
        ["ResumeAsync with a missing journal"] = new(typeof(PartUploadException), "it does not exist", Reach.NoRequest,
            (t, h) => t.Client().ResumeAsync(t.SmallFile(), Options(h).With(o => o.JournalPath = t.JournalFile())), ErrorCode: "JournalInvalid"),
        ["ResumeAsync with a journal that is not JSON"] = new(typeof(PartUploadException), "not valid JSON", Reach.NoRequest,
            (t, h) => t.Client().ResumeAsync(t.SmallFile(), Options(h).With(o => o.JournalPath = t.GarbageJournal())), ErrorCode: "JournalInvalid"),
        ["ResumeAsync with a journal of another data handle"] = new(typeof(ArgumentException), "the options name another upload", Reach.NoRequest,
            async (t, h) =>
            {
                (string file, string journal) = await t.LeftoverJournalAsync();
                await t.Client().ResumeAsync(file, Options(h).With(o => o.JournalPath = journal));
            }),
        ["ResumeAsync after the file changed"] = new(typeof(SourceChangedException), "The file changed since the interrupted upload", Reach.NoRequest,
            async (t, h) =>
            {
                (string file, string journal) = await t.LeftoverJournalAsync(h);
                await using (FileStream f = File.OpenWrite(file))
                {
                    f.WriteByte(0x5A);
                }

                await t.Client().ResumeAsync(file, Options(h).With(o => o.JournalPath = journal));
            },
            ErrorCode: "SourceChanged"),

        // Sources that lie or change while they are read.
        ["stream that ends before its declared length"] = new(typeof(SourceChangedException), "before its declared length", Reach.CancelledUpload,
            (t, h) => t.Client(o => o.MaxConcurrency = 1).UploadAsync(new LyingStream((2 * 5 * MiB) + 1000, 3 * 5 * MiB), Options(h)), ErrorCode: "SourceTooShort"),
        ["file truncated during upload"] = new(typeof(SourceChangedException), "before its declared length", Reach.CancelledUpload,
            (t, h) => t.ChangeDuringUploadAsync(h, truncate: true), ErrorCode: "SourceTooShort"),
        ["file rewritten in place during upload"] = new(typeof(SourceChangedException), "The source file changed while it was uploaded", Reach.CancelledUpload,
            (t, h) => t.ChangeDuringUploadAsync(h, truncate: false), ErrorCode: "SourceChanged"),
    };

    public static TheoryData<string> Cases() => [.. s_cases.Keys];

    [Fact]
    public void Table_HasAtLeastThirtyCases() => s_cases.Count.ShouldBeGreaterThanOrEqualTo(30);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadInput_FailsTyped(string name)
    {
        Case c = s_cases[name];
        string handle = NewHandle("bad");
        _requestsBefore = Emulator.Journal.Entries.Count;

        Exception? thrown = null;
        try
        {
            await c.Act(this, handle).WaitAsync(TimeSpan.FromSeconds(60));
        }
#pragma warning disable CA1031 // The table judges whatever is thrown.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            thrown = ex;
        }

        thrown.ShouldNotBeNull($"{name}: no exception");
        thrown.GetType().ShouldBe(c.Expected, $"{name}: {thrown}");
        thrown.Message.ShouldContain(c.Fragment, Shouldly.Case.Sensitive, $"{name}: {thrown.Message}");
        if (c.ErrorCode is not null)
        {
            ((PartUploadException)thrown).ErrorCode.ShouldBe(c.ErrorCode, name);
        }

        switch (c.Reach)
        {
            case Reach.NoRequest:
                Emulator.Journal.Entries.Count.ShouldBe(_requestsBefore, $"{name}: a request reached the service before the error");
                break;
            case Reach.ServiceAnswer:
                Emulator.Journal.Entries.Skip(_requestsBefore).ShouldNotContain(e => e.Operation == EmulatorOperation.UploadPart || e.Operation == EmulatorOperation.PutBlob, $"{name}: bytes were sent");
                Emulator.Uploads.ShouldNotContain(u => u.DataHandle == handle && u.State == UploadState.Open);
                break;
            case Reach.CancelledUpload:
                UploadOf(handle).State.ShouldBe(UploadState.Cancelled, $"{name}: the upload was not cancelled on the server");
                Emulator.GetBlob(BlobEmulatorOptions.DemoVersionedLayerId, handle).ShouldBeNull();
                ShouldNeverReuseNumbers(handle);
                break;
        }
    }

    [Fact]
    public async Task DataHandleOf1024Characters_IsAllowedWithMaxDataHandleLength1024()
    {
        Emulator.Options.MaxDataHandleLength = 1024;
        string handle = "h" + new string('x', 1023);
        byte[] data = Data(1000, seed: 7);

        PartUploadResult result = await CreateClient(o => o.MaxDataHandleLength = 1024).UploadAsync(WriteFile(data), Options(handle, forceMultipart: false));

        result.Size.ShouldBe(1000);
        ShouldHaveStored(handle, data);
    }

    // ---- helpers the cases use ----
    private static readonly HttpClient s_http = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>The journal count the case is judged against; a case that first makes a journal moves it past its setup.</summary>
    private int _requestsBefore;

    /// <summary>A client built the way a user builds one (the public constructor validates before anything else).</summary>
    private PartUploadClient Client(Action<PartUploadClientOptions>? configure = null)
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
        configure?.Invoke(options);
        return new PartUploadClient(s_http, options, AccessTokenSource.FromToken(Emulator.IssueAccessToken()));
    }

    private string? _scratch;

    /// <summary>The harness's temporary directory (deleted with the test).</summary>
    private string Scratch => _scratch ??= Path.GetDirectoryName(WriteFile([]))!;

    private string SmallFile() => WriteFile(Data(1000));

    private string SparseFile(long length)
    {
        string path = Path.Combine(Scratch, Guid.NewGuid().ToString("N") + ".sparse");
        using var f = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        f.SetLength(length);
        return path;
    }

    private string JournalFile() => Path.Combine(Scratch, Guid.NewGuid().ToString("N") + ".journal");

    private string GarbageJournal()
    {
        string path = JournalFile();
        File.WriteAllText(path, "{ not json");
        return path;
    }

    private string CredentialsWithout(string key)
    {
        string path = Emulator.WriteCredentialsFile(Path.Combine(Scratch, Guid.NewGuid().ToString("N") + ".properties"));
        File.WriteAllLines(path, File.ReadAllLines(path).Where(l => !l.StartsWith(key + " ", StringComparison.Ordinal)));
        return path;
    }

    private async Task WithWriteOnlyStream(Func<Stream, Task> act)
    {
        await using var stream = new FileStream(Path.Combine(Scratch, "write-only.bin"), FileMode.Create, FileAccess.Write);
        await act(stream);
    }

    private async Task WithLockedFile(Func<string, Task> act)
    {
        string path = SmallFile();
        await using var holder = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        await act(path);
    }

    /// <summary>A journal left by an upload that completed: a copy taken after its first acknowledged part.</summary>
    private async Task<(string File, string Journal)> LeftoverJournalAsync(string? handle = null)
    {
        handle ??= NewHandle("journal");
        string file = WriteFile(Data(3 * 5 * MiB, seed: 3));
        string journal = JournalFile();
        string copy = journal + ".copy";
        PartUploadOptions options = Options(handle).With(o => o.JournalPath = journal);
        options.Progress = new OnFirstPart(() => File.Copy(journal, copy));
        await CreateClient(o => o.MaxConcurrency = 1).UploadAsync(file, options);
        File.Exists(copy).ShouldBeTrue("no journal was copied");
        File.Exists(journal).ShouldBeFalse("a completed upload deletes its journal");
        _requestsBefore = Emulator.Journal.Entries.Count;
        return (file, copy);
    }

    /// <summary>Uploads three parts one at a time and changes the file right after the first part is acknowledged.</summary>
    private async Task ChangeDuringUploadAsync(string handle, bool truncate)
    {
        string path = WriteFile(Data(3 * 5 * MiB, seed: 11));
        PartUploadOptions options = Options(handle);
        options.Progress = new OnFirstPart(() =>
        {
            using var f = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            if (truncate)
            {
                f.SetLength((5 * MiB) + 10);
            }
            else
            {
                // Same length, other bytes in the part already acknowledged: the blob would mix two versions of the file.
                f.Position = 100;
                f.Write(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 });
                f.Flush(flushToDisk: true);
            }
        });
        await CreateClient(o => o.MaxConcurrency = 1).UploadAsync(path, options);
    }

    /// <summary>Runs an action once, synchronously, on the first report that shows an acknowledged part.</summary>
    private sealed class OnFirstPart(Action action) : IProgress<UploadProgress>
    {
        private int _done;

        public void Report(UploadProgress value)
        {
            if (value.PartsCompleted >= 1 && Interlocked.Exchange(ref _done, 1) == 0)
            {
                action();
            }
        }
    }

    /// <summary>A seekable stream whose Length claims more bytes than it holds (a zero-filled prefix of <c>actual</c> bytes).</summary>
    private sealed class LyingStream(long actual, long claimed) : Stream
    {
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => claimed;
        public override long Position { get => _position; set => _position = value; }
        public override void Flush() { }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = (int)Math.Max(0, Math.Min(count, actual - _position));
            Array.Clear(buffer, offset, n);
            _position += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => _position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => claimed + offset,
        };

        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

internal static class PartUploadOptionsCopy
{
    /// <summary>A copy of the options with some properties replaced (PartUploadOptions is a class, not a record).</summary>
    public static PartUploadOptions With(this PartUploadOptions o, Action<PartUploadOptions> change)
    {
        var copy = new PartUploadOptions
        {
            LayerId = o.LayerId,
            DataHandle = o.DataHandle,
            ContentType = o.ContentType,
            ContentEncoding = o.ContentEncoding,
            ForceMultipart = o.ForceMultipart,
            JournalPath = o.JournalPath,
            Progress = o.Progress,
        };
        change(copy);
        return copy;
    }
}
