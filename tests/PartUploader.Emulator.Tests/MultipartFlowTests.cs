using System.IO.Hashing;
using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace PartUploader.Emulator.Tests;

public sealed class MultipartFlowTests : IClassFixture<EmulatorFixture>
{
    private const int MiB = 1024 * 1024;
    private readonly EmulatorFixture _fixture;

    public MultipartFlowTests(EmulatorFixture fixture) => _fixture = fixture;

    private BlobApi Api => _fixture.Api;

    [Fact]
    public async Task Upload_ThreePartsByHand_StoresBlobByteIdentical()
    {
        string handle = BlobApi.NewHandle();
        byte[] data = BlobApi.RandomBytes((5 * MiB * 2) + 12345, seed: 1);
        Links links = await Api.StartAsync(handle);

        string e1 = await Api.UploadPartOkAsync(links, 1, data[..(5 * MiB)]);
        string e2 = await Api.UploadPartOkAsync(links, 2, data[(5 * MiB)..(10 * MiB)]);
        string e3 = await Api.UploadPartOkAsync(links, 3, data[(10 * MiB)..]);
        using HttpResponseMessage complete = await Api.CompleteAsync(links, (1, e1), (2, e2), (3, e3));

        complete.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        using Stream stored = Api.Emulator.OpenBlob(Api.Emulator.DefaultLayerId, handle)!;
        using MemoryStream copy = new();
        await stored.CopyToAsync(copy);
        copy.ToArray().ShouldBe(data);
        StoredBlob blob = Api.Emulator.GetBlob(Api.Emulator.DefaultLayerId, handle)!;
        blob.Length.ShouldBe(data.Length);
        blob.Crc32C.ShouldBe(Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, data));
        blob.Sha256.ShouldBe(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(data)));
    }

    [Theory]
    [InlineData("bytes=99990-100009", 99_990, 20)]
    [InlineData("bytes=0-", 0, 250_001)]
    [InlineData("bytes=-150001", 100_000, 150_001)]
    [InlineData("bytes=100000-100000", 100_000, 1)]
    public async Task GetBlob_RangeAcrossPartBoundaries_ReturnsExactBytes(string range, int offset, int count)
    {
        await using BlobEmulator sut = await BlobEmulator.StartAsync(new BlobEmulatorOptions { MinimumPartSize = 1, ProcessingDelay = TimeSpan.Zero });
        using BlobApi api = new(sut);
        string handle = BlobApi.NewHandle();
        byte[] data = BlobApi.RandomBytes(250_001, seed: 12);
        Links links = await api.StartAsync(handle);
        string e1 = await api.UploadPartOkAsync(links, 1, data[..100_000]);
        string e2 = await api.UploadPartOkAsync(links, 2, data[100_000..200_000]);
        string e3 = await api.UploadPartOkAsync(links, 3, data[200_000..]);
        using HttpResponseMessage complete = await api.CompleteAsync(links, (1, e1), (2, e2), (3, e3));

        using HttpResponseMessage response = await api.GetBlobAsync(handle, range);

        response.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        (await response.Content.ReadAsByteArrayAsync()).ShouldBe(data.AsSpan(offset, count).ToArray());
    }

    [Fact]
    public async Task Start_ValidRequest_ReturnsFourAbsoluteLinksWithMethods()
    {
        using HttpResponseMessage response = await Api.StartRawAsync(BlobApi.NewHandle(), """{"contentType":"application/octet-stream"}""");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        System.Text.Json.Nodes.JsonNode links = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!["links"]!;
        links["uploadPart"]!["method"]!.GetValue<string>().ShouldBe("POST");
        links["complete"]!["method"]!.GetValue<string>().ShouldBe("PUT");
        links["status"]!["method"]!.GetValue<string>().ShouldBe("GET");
        links["delete"]!["method"]!.GetValue<string>().ShouldBe("DELETE");
        links["uploadPart"]!["href"]!.GetValue<string>().ShouldStartWith(Api.Emulator.ServiceUrl.ToString());
        links["uploadPart"]!["href"]!.GetValue<string>().ShouldEndWith("/parts");
    }

    [Fact]
    public async Task Status_AfterCompleteWithinProcessingDelay_ReadsProcessingThenCompleted()
    {
        FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
        await using BlobEmulator sut = await BlobEmulator.StartAsync(new BlobEmulatorOptions { TimeProvider = clock });
        using BlobApi api = new(sut);
        Links links = await api.UploadSmallBlobAsync(BlobApi.NewHandle(), [1, 2, 3]);

        (await api.StatusAsync(links)).ShouldBe((200, "processing"));
        clock.Advance(TimeSpan.FromMilliseconds(200));
        (await api.StatusAsync(links)).ShouldBe((200, "completed"));
    }

    [Fact]
    public async Task UploadPart_ManyConcurrentPartsOfOneUpload_AllStoredInOrder()
    {
        string handle = BlobApi.NewHandle();
        const int parts = 16;
        const int size = 256 * 1024;
        byte[] data = BlobApi.RandomBytes(parts * size, seed: 2);
        await using BlobEmulator sut = await BlobEmulator.StartAsync(new BlobEmulatorOptions { MinimumPartSize = size, ProcessingDelay = TimeSpan.Zero });
        using BlobApi api = new(sut);
        Links links = await api.StartAsync(handle);

        string[] etags = await Task.WhenAll(Enumerable.Range(1, parts).Select(n =>
            api.UploadPartOkAsync(links, n, data[((n - 1) * size)..(n * size)], $"CRC-32C:{Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, data.AsSpan((n - 1) * size, size)):x8}")));
        using HttpResponseMessage complete = await api.CompleteAsync(links, [.. etags.Select((e, i) => (i + 1, e))]);

        complete.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        sut.GetBlob(sut.DefaultLayerId, handle)!.Crc32C.ShouldBe(Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, data));
        sut.Uploads.Single().PartNumbersReceived.Order().ShouldBe(Enumerable.Range(1, parts));
    }

    [Fact]
    public async Task Complete_TenThousandParts_AssemblesAllInOrder()
    {
        await using BlobEmulator sut = await BlobEmulator.StartAsync(new BlobEmulatorOptions { MinimumPartSize = 1, ProcessingDelay = TimeSpan.Zero, DiscardData = true });
        using BlobApi api = new(sut);
        string handle = BlobApi.NewHandle();
        Links links = await api.StartAsync(handle);
        string[] etags = new string[10_000];

        await Parallel.ForEachAsync(Enumerable.Range(1, 10_000), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (n, _) =>
            etags[n - 1] = await api.UploadPartOkAsync(links, n, BitConverter.GetBytes(n)));
        using HttpResponseMessage complete = await api.CompleteAsync(links, [.. etags.Select((e, i) => (i + 1, e))]);

        complete.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        byte[] expected = [.. Enumerable.Range(1, 10_000).SelectMany(BitConverter.GetBytes)];
        sut.GetBlob(sut.DefaultLayerId, handle)!.Crc32C.ShouldBe(Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, expected));
    }

    [Fact]
    public async Task Cancel_OpenUpload_Returns204AndLaterCallsAnswer404()
    {
        Links links = await Api.StartAsync(BlobApi.NewHandle());
        await Api.UploadPartOkAsync(links, 1, [1, 2, 3]);

        using HttpResponseMessage cancel = await Api.CancelAsync(links);
        using HttpResponseMessage again = await Api.CancelAsync(links);
        using HttpResponseMessage part = await Api.UploadPartAsync(links, 2, [4]);

        cancel.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        again.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        part.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task UploadPart_SameNumberTwice_LaterPartOverridesEarlier()
    {
        string handle = BlobApi.NewHandle();
        Links links = await Api.StartAsync(handle);
        await Api.UploadPartOkAsync(links, 1, [1, 1, 1]);
        string second = await Api.UploadPartOkAsync(links, 1, [2, 2]);

        using HttpResponseMessage complete = await Api.CompleteAsync(links, (1, second));

        complete.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        Api.Emulator.GetBlob(Api.Emulator.DefaultLayerId, handle)!.Length.ShouldBe(2);
    }
}
