using PartUploader.Emulator;

namespace PartUploader.IntegrationTests.EndToEnd;

/// <summary>Faults injected by the emulator over real HTTP: retries take fresh numbers, failures cancel the upload.</summary>
public sealed class ResilienceEndToEndTests(EmulatorFixture fixture) : EmulatorTestBase(fixture), IClassFixture<EmulatorFixture>
{
    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    [InlineData(429)]
    [InlineData(408)]
    public async Task UploadAsync_TransientStatusOnAPart_RetriesUnderAFreshNumber(int status)
    {
        byte[] data = Data(4 * 5 * MiB, seed: status);
        string handle = NewHandle("transient");
        Emulator.Faults.Add(FaultRule.Status(status, TimeSpan.Zero) with { Operation = EmulatorOperation.UploadPart, PartNumber = 2, DataHandle = handle });

        PartUploadResult result = await CreateClient().UploadAsync(WriteFile(data), Options(handle));

        ShouldHaveStored(handle, data);
        ShouldNeverReuseNumbers(handle);
        result.Retries.ShouldBe(1);
        result.PartNumbers.ShouldBe([1, 5, 3, 4], "the retried part takes the next number above all issued; complete lists byte order");
        result.VerifiedRanges.ShouldBe(1, "the retried range is read back (misplacement check)");
    }

    [Fact]
    public async Task UploadAsync_ConnectionResetBeforeBody_Completes()
    {
        byte[] data = Data(3 * 5 * MiB, seed: 31);
        string handle = NewHandle("reset");
        Emulator.Faults.Add(FaultRule.ResetBeforeBody() with { Operation = EmulatorOperation.UploadPart, PartNumber = 1, DataHandle = handle });

        PartUploadResult result = await CreateClient().UploadAsync(WriteFile(data), Options(handle));

        ShouldHaveStored(handle, data);
        ShouldNeverReuseNumbers(handle);
        result.Retries.ShouldBe(1);
    }

    [Fact]
    public async Task UploadAsync_ConnectionResetMidBody_Completes()
    {
        byte[] data = Data(3 * 5 * MiB, seed: 32);
        string handle = NewHandle("midreset");
        Emulator.Faults.Add(FaultRule.ResetAfterBytes(MiB) with { Operation = EmulatorOperation.UploadPart, PartNumber = 3, DataHandle = handle });

        PartUploadResult result = await CreateClient().UploadAsync(WriteFile(data), Options(handle));

        ShouldHaveStored(handle, data);
        ShouldNeverReuseNumbers(handle);
        result.Retries.ShouldBe(1);
    }

    [Fact]
    public async Task UploadAsync_SlowFirstByte_AttemptTimesOutAndRetries()
    {
        byte[] data = Data(2 * 5 * MiB, seed: 33);
        string handle = NewHandle("slow");
        Emulator.Faults.Add(FaultRule.DelayResponse(Timeout.InfiniteTimeSpan) with { Operation = EmulatorOperation.UploadPart, PartNumber = 2, DataHandle = handle });

        PartUploadResult result = await CreateClient(o => o.Retry.AttemptTimeout = TimeSpan.FromSeconds(2)).UploadAsync(WriteFile(data), Options(handle));

        ShouldHaveStored(handle, data);
        ShouldNeverReuseNumbers(handle);
        result.PartNumbers.ShouldBe([1, 3]);
    }

    [Fact]
    public async Task UploadAsync_TokenExpiresMidUpload_RefreshesAndUsesAFreshNumber()
    {
        byte[] data = Data(3 * 5 * MiB, seed: 34);
        string handle = NewHandle("expiry");
        int refreshes = 0;
        string current = Emulator.IssueAccessToken();
        var tokens = AccessTokenSource.FromDelegate((force, _) =>
        {
            if (force)
            {
                Interlocked.Increment(ref refreshes);
                current = Emulator.IssueAccessToken();
            }

            return Task.FromResult(new AccessToken(current, DateTimeOffset.MaxValue));
        });
        Emulator.Faults.Add(FaultRule.ExpireToken() with { Operation = EmulatorOperation.UploadPart, PartNumber = 2, DataHandle = handle });

        PartUploadResult result = await CreateClient(o => o.MaxConcurrency = 1, tokens).UploadAsync(WriteFile(data), Options(handle));

        ShouldHaveStored(handle, data);
        ShouldNeverReuseNumbers(handle);
        refreshes.ShouldBeGreaterThanOrEqualTo(1);
        result.PartNumbers.ShouldBe([1, 4, 3]);
    }

    [Fact]
    public async Task UploadAsync_DigestMismatchReported_RetriesOnceUnderAFreshNumber()
    {
        byte[] data = Data(2 * 5 * MiB, seed: 35);
        string handle = NewHandle("digest400");
        Emulator.Faults.Add(FaultRule.Status(400) with { Operation = EmulatorOperation.UploadPart, PartNumber = 1, DataHandle = handle });

        PartUploadResult result = await CreateClient().UploadAsync(WriteFile(data), Options(handle));

        ShouldHaveStored(handle, data);
        ShouldNeverReuseNumbers(handle);
        result.PartNumbers.ShouldBe([3, 2]);
    }

    [Fact]
    public async Task UploadAsync_PersistentServerError_FailsTypedAndCancelsTheUpload()
    {
        byte[] data = Data(3 * 5 * MiB, seed: 36);
        string handle = NewHandle("persistent");
        Emulator.Faults.Add(FaultRule.Status(503) with { Operation = EmulatorOperation.UploadPart, DataHandle = handle, Times = FaultRule.Unlimited });

        PartUploadException ex = await Should.ThrowAsync<PartUploadException>(
            () => CreateClient(o => o.Retry.MaxAttempts = 3).UploadAsync(WriteFile(data), Options(handle)));

        ex.Status.ShouldBe(503);
        ex.Operation.ShouldBe("UploadPart");
        ex.DataHandle.ShouldBe(handle);
        UploadOf(handle).State.ShouldBe(UploadState.Cancelled);
        ShouldNeverReuseNumbers(handle);
        Diagnostics.Pool!.Outstanding.ShouldBe(0);
    }

    [Fact]
    public async Task UploadAsync_RetryBudgetSpent_StopsRetrying()
    {
        byte[] data = Data(4 * 5 * MiB, seed: 37);
        string handle = NewHandle("budget");
        Emulator.Faults.Add(FaultRule.Status(500) with { Operation = EmulatorOperation.UploadPart, DataHandle = handle, Times = FaultRule.Unlimited });

        await Should.ThrowAsync<PartUploadException>(
            () => CreateClient(o => { o.Retry.MaxAttempts = 10; o.Retry.RetryBudget = 2; o.MaxConcurrency = 1; }).UploadAsync(WriteFile(data), Options(handle)));

        UploadOf(handle).PartNumbersReceived.Count.ShouldBe(3, "one first attempt and the two retries of the budget");
        UploadOf(handle).State.ShouldBe(UploadState.Cancelled);
    }

    [Fact]
    public async Task UploadAsync_UploadVanishes_ThrowsUploadNotFound()
    {
        byte[] data = Data(2 * 5 * MiB, seed: 38);
        string handle = NewHandle("vanish");
        Emulator.Faults.Add(FaultRule.Status(404) with { Operation = EmulatorOperation.UploadPart, PartNumber = 2, DataHandle = handle });

        UploadNotFoundException ex = await Should.ThrowAsync<UploadNotFoundException>(
            () => CreateClient().UploadAsync(WriteFile(data), Options(handle)));

        ex.Status.ShouldBe(404);
        ex.PartNumber.ShouldBe(2);
        UploadOf(handle).State.ShouldNotBe(UploadState.Open);
    }

    [Fact]
    public async Task UploadAsync_StatusEndsFailed_ThrowsUploadFailed()
    {
        byte[] data = Data(2 * 5 * MiB, seed: 39);
        string handle = NewHandle("failed");
        Emulator.Faults.Add(FaultRule.FailUpload() with { DataHandle = handle });

        PartUploadException ex = await Should.ThrowAsync<PartUploadException>(
            () => CreateClient().UploadAsync(WriteFile(data), Options(handle)));

        ex.ErrorCode.ShouldBe("UploadFailed");
        UploadOf(handle).State.ShouldNotBe(UploadState.Open);
        Emulator.GetBlob(BlobEmulatorOptions.DemoVersionedLayerId, handle).ShouldBeNull();
    }

    [Fact]
    public async Task UploadAsync_CancelledMidUpload_CancelsOnTheServerAndReturnsEveryBuffer()
    {
        byte[] data = Data(6 * 5 * MiB, seed: 40);
        string handle = NewHandle("cancel");
        using var cts = new CancellationTokenSource();
        Emulator.Faults.Add(FaultRule.DelayResponse(Timeout.InfiniteTimeSpan) with { Operation = EmulatorOperation.UploadPart, PartNumber = 4, DataHandle = handle });
        PartUploadOptions options = Options(handle);
        options.Progress = new CancelAfterParts(cts, parts: 1);

        await Should.ThrowAsync<OperationCanceledException>(
            () => CreateClient(o => o.MaxConcurrency = 4).UploadAsync(WriteFile(data), options, cts.Token));

        UploadOf(handle).State.ShouldBe(UploadState.Cancelled);
        Emulator.Journal.Entries.ShouldContain(e => e.Operation == EmulatorOperation.CancelMultipart && e.UploadId == UploadOf(handle).UploadId && e.StatusCode == 204);
        Diagnostics.Pool!.Outstanding.ShouldBe(0);
    }

    [Fact]
    public async Task UploadAsync_ServiceAssemblesByNumber_FreshOnRetryMisplacementIsDetected()
    {
        Emulator.Options.AssembleBy = PartAssemblyOrder.NumberOrder;
        byte[] data = Data(3 * 5 * MiB, seed: 41);
        string handle = NewHandle("misplaced");
        Emulator.Faults.Add(FaultRule.Status(503) with { Operation = EmulatorOperation.UploadPart, PartNumber = 1, DataHandle = handle });

        PartChecksumMismatchException ex = await Should.ThrowAsync<PartChecksumMismatchException>(
            () => CreateClient().UploadAsync(WriteFile(data), Options(handle)));

        ex.ErrorCode.ShouldBe("ReadBackMismatch");
        ex.Offset.ShouldBe(0);
    }

    [Fact]
    public async Task UploadAsync_ServiceAssemblesByNumber_ReservedNumberingStaysInPlace()
    {
        Emulator.Options.AssembleBy = PartAssemblyOrder.NumberOrder;
        byte[] data = Data(3 * 5 * MiB, seed: 42);
        string handle = NewHandle("reserved");
        Emulator.Faults.Add(FaultRule.Status(503) with { Operation = EmulatorOperation.UploadPart, PartNumber = 1, DataHandle = handle });

        PartUploadResult result = await CreateClient(o => { o.PartNumbering = PartNumbering.Reserved; o.ReservedNumbersPerPart = 4; })
            .UploadAsync(WriteFile(data), Options(handle));

        ShouldHaveStored(handle, data);
        ShouldNeverReuseNumbers(handle);
        result.PartNumbers.ShouldBe([2, 5, 9]);
    }

    [Fact]
    public async Task UploadAsync_CorruptedStoredPart_FullReadBackDetectsIt()
    {
        byte[] data = Data(2 * 5 * MiB, seed: 43);
        string handle = NewHandle("corrupt");
        Emulator.Faults.Add(FaultRule.CorruptStoredBytes() with { PartNumber = 2, DataHandle = handle });

        PartChecksumMismatchException ex = await Should.ThrowAsync<PartChecksumMismatchException>(
            () => CreateClient(o => o.VerifyFullReadBack = true).UploadAsync(WriteFile(data), Options(handle)));

        ex.ErrorCode.ShouldBe("ReadBackMismatch");
    }

    [Fact]
    public async Task UploadAsync_TransientErrorOnReadBack_IsRetriedAndTheStoredUploadIsNotCancelled()
    {
        byte[] data = Data(2 * 5 * MiB, seed: 44);
        string handle = NewHandle("readback503");
        Emulator.Faults.Add(FaultRule.Status(503, TimeSpan.Zero) with { Operation = EmulatorOperation.UploadPart, PartNumber = 1, DataHandle = handle });
        Emulator.Faults.Add(FaultRule.Status(503, TimeSpan.Zero) with { Operation = EmulatorOperation.GetBlob, DataHandle = handle });

        PartUploadResult result = await CreateClient().UploadAsync(WriteFile(data), Options(handle));

        ShouldHaveStored(handle, data);
        result.VerifiedRanges.ShouldBe(1);
        UploadOf(handle).State.ShouldBe(UploadState.Completed);
        Emulator.Journal.Entries.ShouldNotContain(e => e.Operation == EmulatorOperation.CancelMultipart && e.UploadId == UploadOf(handle).UploadId);
    }

    [Fact]
    public async Task UploadAsync_PartSizeEqualToABudgetThatIsNotWholeSegments_Completes()
    {
        const long size = 5_300_000; // 80.9 segments of 64 KiB: the buffer needs 81
        byte[] data = Data((2 * size) + 10, seed: 45);
        string handle = NewHandle("oddbudget");

        PartUploadResult result = await CreateClient(o => { o.PartSize = size; o.MaxBufferedBytes = size; o.SingleShotThreshold = MiB; }).UploadAsync(WriteFile(data), Options(handle));

        ShouldHaveStored(handle, data);
        result.PartCount.ShouldBe(3);
    }

    private sealed class CancelAfterParts(CancellationTokenSource cts, int parts) : IProgress<UploadProgress>
    {
        public void Report(UploadProgress value)
        {
            if (value.PartsCompleted >= parts)
            {
                cts.Cancel();
            }
        }
    }
}
