using PartUploader.Emulator;

namespace PartUploader.IntegrationTests.EndToEnd;

/// <summary><see cref="PartUploadClientOptions.VerifyFullReadBack"/> reads back a blob sent in one PUT too, not only multipart uploads.</summary>
public sealed class SinglePutReadBackTests(EmulatorFixture fixture) : EmulatorTestBase(fixture), IClassFixture<EmulatorFixture>
{
    [Fact]
    public async Task UploadAsync_SinglePutWithFullReadBack_ReadsTheWholeBlobBack()
    {
        byte[] data = Data(30_000, seed: 51);
        string handle = NewHandle("put-verify");

        PartUploadResult result = await CreateClient(o => o.VerifyFullReadBack = true).UploadAsync(WriteFile(data), Options(handle, forceMultipart: false));

        result.Multipart.ShouldBeFalse();
        result.VerifiedRanges.ShouldBe(1);
        JournalEntry get = await WaitForGetAsync(handle);
        get.Headers["Range"].ShouldBe("bytes=0-29999");
        ShouldHaveStored(handle, data);
    }

    [Fact]
    public async Task UploadAsync_SinglePutStoredCorrupted_FullReadBackThrowsReadBackMismatch()
    {
        byte[] data = Data(30_000, seed: 52);
        string handle = NewHandle("put-corrupt");
        Emulator.Faults.Add(FaultRule.CorruptStoredBytes() with { Operation = EmulatorOperation.PutBlob, DataHandle = handle });

        var ex = await Should.ThrowAsync<PartChecksumMismatchException>(
            () => CreateClient(o => o.VerifyFullReadBack = true).UploadAsync(WriteFile(data), Options(handle, forceMultipart: false)));

        ex.ErrorCode.ShouldBe(PartUploadErrorCodes.ReadBackMismatch);
    }

    [Fact]
    public async Task UploadAsync_SinglePutWithoutFullReadBack_ReadsNothingBack()
    {
        string handle = NewHandle("put-noverify");

        PartUploadResult result = await CreateClient().UploadAsync(WriteFile(Data(30_000, seed: 53)), Options(handle, forceMultipart: false));

        result.VerifiedRanges.ShouldBe(0);
    }

    /// <summary>The emulator journals a request after answering it: wait for the entry through the journal's event.</summary>
    private async Task<JournalEntry> WaitForGetAsync(string handle)
    {
        bool Match(JournalEntry e) => e.Operation == EmulatorOperation.GetBlob && e.Path.EndsWith("/" + handle, StringComparison.Ordinal);
        var added = new TaskCompletionSource<JournalEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnAdded(JournalEntry entry)
        {
            if (Match(entry))
            {
                added.TrySetResult(entry);
            }
        }

        Emulator.Journal.Added += OnAdded;
        try
        {
            return Emulator.Journal.Entries.FirstOrDefault(Match) ?? await added.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            Emulator.Journal.Added -= OnAdded;
        }
    }
}
