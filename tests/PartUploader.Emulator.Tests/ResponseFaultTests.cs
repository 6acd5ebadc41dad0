using System.Net;

namespace PartUploader.Emulator.Tests;

/// <summary>Faults on the response side: a held response (the "response never starts" stall) and a cut download.</summary>
public sealed class ResponseFaultTests : IAsyncLifetime, IDisposable
{
    private static readonly byte[] s_data = BlobApi.RandomBytes(64 * 1024, seed: 41);
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
    public async Task DelayResponse_HoldsTheResponseOnlyAfterTheWholeBodyWasReadAndStored()
    {
        TimeSpan hold = TimeSpan.FromSeconds(11);
        _sut.Faults.Add(FaultRule.DelayResponse(hold) with { Operation = EmulatorOperation.UploadPart });
        Links links = await _api.StartAsync(BlobApi.NewHandle());

        Task<HttpResponseMessage> upload = _api.UploadPartAsync(links, 1, s_data);
        await _clock.WaitForTimerAsync(hold);
        bool answeredDuringHold = upload.IsCompleted;
        JournalEntry handled = _sut.Journal.Entries.Single(e => e.Operation == EmulatorOperation.UploadPart);
        int storedDuringHold = Directory.EnumerateFiles(_sut.DataDirectory, "*.part", SearchOption.AllDirectories).Count();
        _clock.Advance(hold);
        using HttpResponseMessage response = await upload.WaitAsync(TimeSpan.FromSeconds(30));

        answeredDuringHold.ShouldBeFalse();
        handled.BytesReceived.ShouldBe(s_data.Length, "the body was read to its end before the hold began");
        handled.StatusCode.ShouldBe(200);
        handled.FaultApplied.ShouldBe("DelayResponse");
        storedDuringHold.ShouldBe(1);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(null, 0, 10_000)]
    [InlineData("bytes=1000-", 1000, 500)]
    [InlineData(null, 0, 0)]
    public async Task ResetAfterBytes_OnGetBlob_SendsExactlyKBytesThenEndsTheConnection(string? range, int offset, int cutAfter)
    {
        string handle = BlobApi.NewHandle();
        using (HttpResponseMessage put = await _api.PutBlobAsync(handle, s_data))
        {
            put.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        FaultRule rule = _sut.Faults.Add(FaultRule.ResetAfterBytes(cutAfter) with { Operation = EmulatorOperation.GetBlob });
        using HttpRequestMessage request = _api.Request(HttpMethod.Get, _api.BlobUrl(handle));
        if (range is not null)
        {
            request.Headers.TryAddWithoutValidation("Range", range);
        }

        using HttpResponseMessage response = await _api.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        (byte[] received, Exception? error) = await ReadUntilFailureAsync(response);

        response.Content.Headers.ContentLength.ShouldBe(s_data.Length - offset, "the response declares the full length");
        error.ShouldBeAssignableTo<IOException>();
        received.ShouldBe(s_data.AsSpan(offset, cutAfter).ToArray());
        rule.Fired.ShouldBe(1);
        JournalEntry entry = await _sut.Journal.WaitForAsync(e => e.Operation == EmulatorOperation.GetBlob);
        entry.StatusCode.ShouldBe(0);
        entry.FaultApplied.ShouldBe("ResetAfterBytes");

        using HttpResponseMessage resumed = await _api.GetBlobAsync(handle, $"bytes={offset + cutAfter}-");
        resumed.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        resumed.Content.Headers.ContentRange!.ToString().ShouldBe($"bytes {offset + cutAfter}-{s_data.Length - 1}/{s_data.Length}");
        (await resumed.Content.ReadAsByteArrayAsync()).ShouldBe(s_data.AsSpan(offset + cutAfter).ToArray());
    }

    [Fact]
    public async Task ResetAfterBytes_BeyondTheBody_ServesTheWholeBlob()
    {
        string handle = BlobApi.NewHandle();
        using (HttpResponseMessage put = await _api.PutBlobAsync(handle, s_data))
        {
            put.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        _sut.Faults.Add(FaultRule.ResetAfterBytes(s_data.Length) with { Operation = EmulatorOperation.GetBlob });
        using HttpResponseMessage response = await _api.GetBlobAsync(handle);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsByteArrayAsync()).ShouldBe(s_data);
        (await _sut.Journal.WaitForAsync(e => e.Operation == EmulatorOperation.GetBlob)).StatusCode.ShouldBe(200);
    }

    private static async Task<(byte[] Received, Exception? Error)> ReadUntilFailureAsync(HttpResponseMessage response)
    {
        using MemoryStream received = new();
        byte[] buffer = new byte[4096];
        try
        {
            await using Stream body = await response.Content.ReadAsStreamAsync();
            int read;
            while ((read = await body.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(30))) > 0)
            {
                received.Write(buffer, 0, read);
            }

            return (received.ToArray(), null);
        }
        catch (IOException ex)
        {
            return (received.ToArray(), ex);
        }
    }
}
