using System.Net;

namespace PartUploader.Emulator.Tests;

/// <summary>Each fault kind and the rule counters. One emulator per test: faults are per emulator.</summary>
public sealed class FaultTests : IAsyncLifetime, IDisposable
{
    private static readonly byte[] s_part = BlobApi.RandomBytes(64 * 1024, seed: 11);
    private readonly TimerSignallingClock _clock = new();
    private BlobEmulator _sut = null!;
    private BlobApi _api = null!;

    public async Task InitializeAsync()
    {
        _sut = await BlobEmulator.StartAsync(new BlobEmulatorOptions { MinimumPartSize = 1, ProcessingDelay = TimeSpan.Zero, TimeProvider = _clock });
        _api = new BlobApi(_sut);
    }

    public async Task DisposeAsync() => await _sut.DisposeAsync();

    public void Dispose() => _api.Dispose();

    [Fact]
    public async Task Status_503WithRetryAfterOnPart3_AnswersOnceWithoutTouchingState()
    {
        FaultRule rule = _sut.Faults.Add(FaultRule.Status(503, TimeSpan.FromSeconds(1)) with { Operation = EmulatorOperation.UploadPart, PartNumber = 3 });
        Links links = await _api.StartAsync(BlobApi.NewHandle());

        using HttpResponseMessage other = await _api.UploadPartAsync(links, 2, s_part);
        using HttpResponseMessage faulted = await _api.UploadPartAsync(links, 3, s_part);
        using HttpResponseMessage retried = await _api.UploadPartAsync(links, 4, s_part);
        using HttpResponseMessage again = await _api.UploadPartAsync(links, 3, s_part);

        other.StatusCode.ShouldBe(HttpStatusCode.OK);
        faulted.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        faulted.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(1));
        retried.StatusCode.ShouldBe(HttpStatusCode.OK);
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        rule.Fired.ShouldBe(1);
        _sut.Journal.Entries.Single(e => e.FaultApplied is not null).PartNumber.ShouldBe(3);
    }

    [Fact]
    public async Task Status_SkipEveryNthTimes_FiresDeterministically()
    {
        FaultRule rule = _sut.Faults.Add(FaultRule.Status(500) with { Operation = EmulatorOperation.UploadPart, Skip = 1, EveryNth = 2, Times = 2 });
        Links links = await _api.StartAsync(BlobApi.NewHandle());
        List<int> statuses = [];

        for (int n = 1; n <= 7; n++)
        {
            using HttpResponseMessage response = await _api.UploadPartAsync(links, n, s_part);
            statuses.Add((int)response.StatusCode);
        }

        statuses.ShouldBe([200, 500, 200, 500, 200, 200, 200]);
        rule.Fired.ShouldBe(2);
        rule.Matched.ShouldBe(7);
    }

    [Fact]
    public async Task Status_ConcurrentRequests_FiresExactlyTimes()
    {
        FaultRule rule = _sut.Faults.Add(FaultRule.Status(429) with { Operation = EmulatorOperation.UploadPart, Times = 5 });
        Links links = await _api.StartAsync(BlobApi.NewHandle());

        HttpStatusCode[] statuses = await Task.WhenAll(Enumerable.Range(1, 40).Select(async n =>
        {
            using HttpResponseMessage response = await _api.UploadPartAsync(links, n, [1, 2, 3]);
            return response.StatusCode;
        }));

        statuses.Count(s => s == HttpStatusCode.TooManyRequests).ShouldBe(5);
        rule.Fired.ShouldBe(5);
    }

    [Fact]
    public async Task Status_FilteredByUploadId_HitsOnlyThatUpload()
    {
        Links first = await _api.StartAsync(BlobApi.NewHandle());
        Links second = await _api.StartAsync(BlobApi.NewHandle());
        string secondId = _sut.Uploads[1].UploadId;
        _sut.Faults.Add(FaultRule.Status(500) with { UploadId = secondId, Times = FaultRule.Unlimited });

        using HttpResponseMessage a = await _api.UploadPartAsync(first, 1, s_part);
        using HttpResponseMessage b = await _api.UploadPartAsync(second, 1, s_part);

        a.StatusCode.ShouldBe(HttpStatusCode.OK);
        b.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
    }

    [Fact]
    public async Task Status_FilteredByDataHandle_HitsOnlyThatHandle()
    {
        string handle = BlobApi.NewHandle();
        _sut.Faults.Add(FaultRule.Status(502) with { Operation = EmulatorOperation.StartMultipart, DataHandle = handle });

        using HttpResponseMessage other = await _api.StartRawAsync(BlobApi.NewHandle(), """{"contentType":"application/octet-stream"}""");
        using HttpResponseMessage hit = await _api.StartRawAsync(handle, """{"contentType":"application/octet-stream"}""");

        other.StatusCode.ShouldBe(HttpStatusCode.OK);
        hit.StatusCode.ShouldBe(HttpStatusCode.BadGateway);
    }

    [Fact]
    public async Task ResetBeforeBody_UploadPart_ClientSeesConnectionFailureAndPartIsNotStored()
    {
        _sut.Faults.Add(FaultRule.ResetBeforeBody() with { Operation = EmulatorOperation.UploadPart });
        Links links = await _api.StartAsync(BlobApi.NewHandle());

        await Should.ThrowAsync<HttpRequestException>(() => _api.UploadPartAsync(links, 1, s_part));
        using HttpResponseMessage complete = await _api.CompleteAsync(links, (1, "\"x\""));

        complete.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        JournalEntry entry = await WaitForJournalAsync(EmulatorOperation.UploadPart);
        entry.StatusCode.ShouldBe(0);
        entry.FaultApplied.ShouldBe("ResetBeforeBody");
    }

    [Fact]
    public async Task ResetAfterBytes_UploadPart_ReadsExactlyKBytesThenResets()
    {
        _sut.Faults.Add(FaultRule.ResetAfterBytes(10_000) with { Operation = EmulatorOperation.UploadPart });
        Links links = await _api.StartAsync(BlobApi.NewHandle());

        await Should.ThrowAsync<HttpRequestException>(() => _api.UploadPartAsync(links, 1, s_part));

        JournalEntry entry = await WaitForJournalAsync(EmulatorOperation.UploadPart);
        entry.BytesReceived.ShouldBe(10_000);
        entry.StatusCode.ShouldBe(0);
        Directory.EnumerateFiles(_sut.DataDirectory, "*.part", SearchOption.AllDirectories).ShouldBeEmpty();
    }

    [Fact]
    public async Task DelayResponse_Finite_HoldsFirstByte()
    {
        TimeSpan delay = TimeSpan.FromMilliseconds(400);
        _sut.Faults.Add(FaultRule.DelayResponse(delay) with { Operation = EmulatorOperation.UploadPart });
        Links links = await _api.StartAsync(BlobApi.NewHandle());

        Task<HttpResponseMessage> upload = _api.UploadPartAsync(links, 1, s_part);
        await _clock.WaitForTimerAsync(delay);
        _clock.Advance(delay - TimeSpan.FromMilliseconds(1));
        bool answeredEarly = upload.IsCompleted;
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        using HttpResponseMessage response = await upload.WaitAsync(TimeSpan.FromSeconds(30));

        answeredEarly.ShouldBeFalse("the first byte of the response may not leave before the delay has passed on the emulator's clock");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.ETag.ShouldNotBeNull();
    }

    [Fact]
    public async Task DelayResponse_Infinite_ClientTimesOutButPartWasAccepted()
    {
        _sut.Faults.Add(FaultRule.DelayResponse(Timeout.InfiniteTimeSpan) with { Operation = EmulatorOperation.UploadPart });
        Links links = await _api.StartAsync(BlobApi.NewHandle());
        using HttpRequestMessage request = _api.Request(HttpMethod.Post, links.UploadPart + "?partNumber=1", BlobApi.Bytes(s_part));
        using CancellationTokenSource giveUp = new(TimeSpan.FromMilliseconds(500));

        await Should.ThrowAsync<OperationCanceledException>(() => _api.Http.SendAsync(request, giveUp.Token));

        _sut.Uploads.Single().PartNumbersReceived.ShouldBe([1]);
    }

    [Fact]
    public async Task FailUpload_OnComplete_StatusEndsFailed()
    {
        FaultRule rule = _sut.Faults.Add(FaultRule.FailUpload());
        string handle = BlobApi.NewHandle();

        Links links = await _api.UploadSmallBlobAsync(handle, s_part);

        (await _api.StatusAsync(links)).ShouldBe((200, "failed"));
        _sut.GetBlob(_sut.DefaultLayerId, handle).ShouldBeNull();
        rule.Fired.ShouldBe(1);
    }

    [Fact]
    public async Task ExpireToken_OnUploadPart_Answers401AndTokenStaysInvalid()
    {
        _sut.Faults.Add(FaultRule.ExpireToken() with { Operation = EmulatorOperation.UploadPart });
        Links links = await _api.StartAsync(BlobApi.NewHandle());

        using HttpResponseMessage faulted = await _api.UploadPartAsync(links, 1, s_part);
        using HttpResponseMessage stale = await _api.UploadPartAsync(links, 2, s_part);
        _api.Token = _sut.IssueAccessToken();
        using HttpResponseMessage fresh = await _api.UploadPartAsync(links, 3, s_part);

        faulted.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        stale.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        fresh.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task CorruptStoredBytes_Part2_AcceptedButReadBackDiffers()
    {
        _sut.Faults.Add(FaultRule.CorruptStoredBytes() with { PartNumber = 2 });
        string handle = BlobApi.NewHandle();
        Links links = await _api.StartAsync(handle);
        string e1 = await _api.UploadPartOkAsync(links, 1, s_part, Digests.Header("CRC-32C", s_part));
        string e2 = await _api.UploadPartOkAsync(links, 2, s_part, Digests.Header("CRC-32C", s_part));
        using HttpResponseMessage complete = await _api.CompleteAsync(links, (1, e1), (2, e2));

        using HttpResponseMessage first = await _api.GetBlobAsync(handle, $"bytes=0-{s_part.Length - 1}");
        using HttpResponseMessage second = await _api.GetBlobAsync(handle, $"bytes={s_part.Length}-");

        complete.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await first.Content.ReadAsByteArrayAsync()).ShouldBe(s_part);
        byte[] damaged = await second.Content.ReadAsByteArrayAsync();
        damaged.Length.ShouldBe(s_part.Length);
        damaged[0].ShouldBe((byte)(s_part[0] ^ 0xFF));
        damaged.AsSpan(1).SequenceEqual(s_part.AsSpan(1)).ShouldBeTrue();
    }

    [Fact]
    public async Task Clear_AfterAdd_NoFaultFires()
    {
        _sut.Faults.Add(FaultRule.Status(500) with { Times = FaultRule.Unlimited });
        _sut.Faults.Clear();

        using HttpResponseMessage response = await _api.StartRawAsync(BlobApi.NewHandle(), """{"contentType":"application/octet-stream"}""");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        _sut.Faults.Rules.ShouldBeEmpty();
    }

    [Fact]
    public async Task Status_OnToken_AnswersBeforeSignatureCheck()
    {
        _sut.Faults.Add(FaultRule.Status(503) with { Operation = EmulatorOperation.Token, Name = "token-outage" });

        using HttpResponseMessage response = await _api.Http.PostAsync(_sut.TokenUrl, new StringContent("grant_type=client_credentials"));

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        _sut.Journal.Entries.Single(e => e.Operation == EmulatorOperation.Token).FaultApplied.ShouldBe("token-outage");
    }

    private async Task<JournalEntry> WaitForJournalAsync(EmulatorOperation operation)
    {
        // The server finishes its side of a reset request a moment after the client sees the reset: wait for the
        // journal to record it (subscribe first, then look, so an entry added in between is not missed).
        TaskCompletionSource<JournalEntry> added = new(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnAdded(JournalEntry entry)
        {
            if (entry.Operation == operation)
            {
                added.TrySetResult(entry);
            }
        }

        _sut.Journal.Added += OnAdded;
        try
        {
            return _sut.Journal.Entries.FirstOrDefault(e => e.Operation == operation)
                ?? await added.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            _sut.Journal.Added -= OnAdded;
        }
    }
}
