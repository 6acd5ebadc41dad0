using System.Net;

namespace PartUploader.Emulator.Tests.Publishing;

/// <summary>Fault injection and the journal on the publish, metadata, index and config operations.</summary>
public sealed class PublishFaultTests
{
    [Theory]
    [InlineData(EmulatorOperation.InitPublication)]
    [InlineData(EmulatorOperation.UploadPartitions)]
    [InlineData(EmulatorOperation.SubmitPublication)]
    [InlineData(EmulatorOperation.GetPublication)]
    public async Task StatusFault_503WithRetryAfter_AnswersOnceWithoutTouchingState(EmulatorOperation operation)
    {
        await using DataApi sut = await DataApi.StartAsync();
        string handle = await sut.UploadBlobAsync();
        FaultRule rule = sut.Emulator.Faults.Add(FaultRule.Status(503, TimeSpan.FromSeconds(2)) with { Operation = operation, Times = 1 });

        List<Reply> replies = await RunFlowAsync(sut, handle);

        Reply faulted = replies.Single(r => r.Status == HttpStatusCode.ServiceUnavailable);
        faulted.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(2));
        rule.Fired.ShouldBe(1);
        // The emulator journals a request after answering it: wait for the entry rather than read it at once.
        (await sut.Emulator.Journal.WaitForAsync(e => e.FaultApplied is not null)).Operation.ShouldBe(operation);
        sut.Emulator.Journal.Entries.Count(e => e.FaultApplied is not null).ShouldBe(1);
        sut.Emulator.Publications.Count(p => p.State == "succeeded").ShouldBe(1);
        sut.Emulator.GetPartitions(sut.Layer).Single().DataHandle.ShouldBe(handle);
    }

    [Theory]
    [InlineData(EmulatorOperation.InitPublication)]
    [InlineData(EmulatorOperation.UploadPartitions)]
    [InlineData(EmulatorOperation.SubmitPublication)]
    [InlineData(EmulatorOperation.GetPublication)]
    public async Task ResetFault_ClosesConnectionWithoutTouchingState(EmulatorOperation operation)
    {
        await using DataApi sut = await DataApi.StartAsync();
        string handle = await sut.UploadBlobAsync();
        sut.Emulator.Faults.Add(FaultRule.ResetBeforeBody() with { Operation = operation, Times = 1 });

        List<Reply> replies = await RunFlowAsync(sut, handle);

        replies.Count(r => r.Status == 0).ShouldBe(1);
        // A reset request is journaled after the connection closed, which the client may see first: wait for the entry.
        (await sut.Emulator.Journal.WaitForAsync(e => e.FaultApplied is not null)).StatusCode.ShouldBe(0);
        sut.Emulator.Journal.Entries.Count(e => e.FaultApplied is not null).ShouldBe(1);
        sut.Emulator.Publications.Count(p => p.State == "succeeded").ShouldBe(1);
    }

    [Fact]
    public async Task DelayFault_OnSubmit_HoldsTheAnswer()
    {
        await using DataApi sut = await DataApi.StartAsync(fakeClock: false);
        string id = await sut.InitOkAsync();
        sut.Emulator.Faults.Add(FaultRule.DelayResponse(TimeSpan.FromMilliseconds(300)) with { Operation = EmulatorOperation.SubmitPublication });
        long started = System.Diagnostics.Stopwatch.GetTimestamp();

        Reply submit = await sut.SubmitAsync(id);

        submit.Status.ShouldBe(HttpStatusCode.NoContent);
        System.Diagnostics.Stopwatch.GetElapsedTime(started).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(250));
    }

    [Theory]
    [InlineData(EmulatorOperation.Config, "/config/v1/catalogs/{hrn}")]
    [InlineData(EmulatorOperation.LatestVersion, "/metadata/v1/catalogs/{hrn}/versions/latest?startVersion=-1")]
    [InlineData(EmulatorOperation.GetPartitions, "/metadata/v1/catalogs/{hrn}/layers/versioned/partitions?version=0")]
    [InlineData(EmulatorOperation.QueryPartitions, "/query/v1/catalogs/{hrn}/layers/versioned/partitions?version=0&partition=p")]
    [InlineData(EmulatorOperation.GetIndex, "/index/v1/catalogs/{hrn}/layers/index")]
    public async Task StatusFault_OnReads_IsJournaledUnderItsOperation(EmulatorOperation operation, string path)
    {
        await using DataApi sut = await DataApi.StartAsync();
        sut.Emulator.Faults.Add(FaultRule.Status(429, TimeSpan.FromSeconds(1)) with { Operation = operation, Times = 1 });

        Reply reply = await sut.SendAsync(HttpMethod.Get, sut.Root + path.Replace("{hrn}", sut.Hrn, StringComparison.Ordinal));

        reply.Status.ShouldBe(HttpStatusCode.TooManyRequests);
        (await sut.Emulator.Journal.WaitForAsync(e => e.FaultApplied is not null)).Operation.ShouldBe(operation);
    }

    [Fact]
    public async Task PublishRoutes_WithoutToken_Answer401()
    {
        await using DataApi sut = await DataApi.StartAsync();
        using HttpClient http = new();

        using HttpResponseMessage init = await http.PostAsync(sut.PublishBase + "/publications", new StringContent("{\"layerIds\":[\"versioned\"]}"));

        init.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    /// <summary>Init, partitions, submit, get; each faulted call is sent again once (as a retrying client would).</summary>
    private static async Task<List<Reply>> RunFlowAsync(DataApi sut, string handle)
    {
        List<Reply> replies = [];
        Reply init = await RetryOnceAsync(replies, () => sut.InitAsync(sut.Layer));
        string id = init.Json["id"]!.GetValue<string>();
        await RetryOnceAsync(replies, () => sut.PartitionsAsync(id, new { partition = "p", dataHandle = handle }));
        await RetryOnceAsync(replies, () => sut.SubmitAsync(id));
        Reply get = await RetryOnceAsync(replies, () => sut.GetAsync(id));
        get.Json["details"]!["state"]!.GetValue<string>().ShouldBe("succeeded");
        return replies;
    }

    private static async Task<Reply> RetryOnceAsync(List<Reply> replies, Func<Task<Reply>> call)
    {
        Reply first = await SafeAsync(call);
        replies.Add(first);
        if ((int)first.Status is 0 or >= 500)
        {
            Reply second = await SafeAsync(call);
            replies.Add(second);
            return second;
        }

        return first;
    }

    private static async Task<Reply> SafeAsync(Func<Task<Reply>> call)
    {
        try
        {
            return await call();
        }
        catch (HttpRequestException)
        {
            using HttpResponseMessage empty = new();
            return new Reply(0, string.Empty, empty.Headers, empty.Content.Headers);
        }
    }
}
