using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace PartUploader.Emulator.Tests;

public sealed class LoggingTests
{
    [Fact]
    public async Task Logs_WithLoggerFactory_RecordRequestsAndFaultsWithoutSecrets()
    {
        using FakeLoggerProvider provider = new();
        using ILoggerFactory factory = LoggerFactory.Create(b => b.AddProvider(provider).SetMinimumLevel(LogLevel.Debug));
        await using BlobEmulator sut = await BlobEmulator.StartAsync(new BlobEmulatorOptions { LoggerFactory = factory });
        sut.Faults.Add(FaultRule.Status(503) with { Operation = EmulatorOperation.UploadPart });
        using BlobApi api = new(sut);
        Links links = await api.StartAsync(BlobApi.NewHandle());

        using HttpResponseMessage faulted = await api.UploadPartAsync(links, 1, [1, 2, 3]);

        IReadOnlyList<FakeLogRecord> records = provider.Collector.GetSnapshot();
        records.ShouldContain(r => r.Id.Name == "FaultApplied");
        records.Count(r => r.Id.Name == "RequestHandled").ShouldBe(2);
        records.ShouldAllBe(r => !r.Message.Contains(api.Token) && !r.Message.Contains(sut.DataDirectory) && !r.Message.Contains(sut.Credentials.AccessKeySecret));
    }

    [Fact]
    public async Task Logs_WithoutLoggerFactory_EmulatorStillWorks()
    {
        await using BlobEmulator sut = await BlobEmulator.StartAsync();
        using BlobApi api = new(sut);

        Links links = await api.StartAsync(BlobApi.NewHandle());

        links.UploadPart.ShouldNotBeNullOrEmpty();
    }
}
