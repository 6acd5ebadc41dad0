using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PartUploader.IntegrationTests.EndToEnd;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace PartUploader.IntegrationTests.Engine;

/// <summary>Sources on the wire: a file, seekable and non-seekable streams, empty and short sources, whole-blob digests, and what is refused before any request.</summary>
public sealed class UploadSourcesContractTests(BlobServerFixture fixture) : BlobContractTestBase(fixture)
{
    private byte[] Received() =>
        Stub.PartRequests.OrderBy(BlobApiStub.PartNumber).SelectMany(BlobApiStub.Body).ToArray();

    [Fact]
    public async Task UploadAsync_File_PartsCarryTheFileBytesInOrder()
    {
        Stub.StubHappyPath();
        byte[] data = BlobApiStub.Data((10 * MiB) + 17, seed: 5);
        string path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, data);
            PartUploadClient sut = CreateSut();

            PartUploadResult result = await sut.UploadAsync(path, BlobApiStub.Upload());

            result.Size.ShouldBe(data.Length);
            result.PartNumbers.ShouldBe([1, 2, 3]);
            BlobApiStub.ShouldBeBytes(Received(), data);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task UploadAsync_NonSeekableStream_UploadsEveryByteInOrder()
    {
        Stub.StubHappyPath();
        byte[] data = BlobApiStub.Data((5 * MiB) + 100, seed: 6);
        PartUploadClient sut = CreateSut();
        using var stream = new NonSeekableStream(data, maxRead: 7_001);

        PartUploadResult result = await sut.UploadAsync(stream, BlobApiStub.Upload(forceMultipart: false));

        result.Multipart.ShouldBeTrue();
        result.Size.ShouldBe(data.Length);
        BlobApiStub.ShouldBeBytes(Received(), data);
        BlobApiStub.CompletedParts(Stub.Requests("PUT", BlobApiStub.UploadPath).ShouldHaveSingleItem()).Select(p => p.Number).ShouldBe([1, 2]);
    }

    [Fact]
    public async Task UploadAsync_NonSeekableSmallStream_GoesAsSinglePut()
    {
        Stub.Server.Given(Request.Create().WithPath(BlobApiStub.BlobPath).UsingPut()).RespondWith(Response.Create().WithStatusCode(200));
        byte[] data = BlobApiStub.Data(1000, seed: 7);
        PartUploadClient sut = CreateSut();
        using var stream = new NonSeekableStream(data, maxRead: 7_001);

        PartUploadResult result = await sut.UploadAsync(stream, BlobApiStub.Upload(forceMultipart: false));

        result.Multipart.ShouldBeFalse();
        ILogEntry put = Stub.Entries.ShouldHaveSingleItem();
        BlobApiStub.Body(put).ShouldBe(data);
        BlobApiStub.Header(put, "Content-Length").ShouldBe("1000");
        BlobApiStub.Header(put, "X-HERE-Digest")!.ShouldStartWith("CRC-32C:");
    }

    [Fact]
    public async Task UploadAsync_StreamPositionedPastStart_UploadsFromPosition()
    {
        Stub.StubHappyPath();
        byte[] data = BlobApiStub.Data(2000, seed: 8);
        PartUploadClient sut = CreateSut();
        using var stream = new MemoryStream(data) { Position = 500 };

        PartUploadResult result = await sut.UploadAsync(stream, BlobApiStub.Upload());

        result.Size.ShouldBe(1500);
        BlobApiStub.ShouldBeBytes(Received(), data[500..]);
    }

    [Fact]
    public async Task UploadAsync_NonSeekableExactMultipleOfPartSize_NoEmptyTrailingPart()
    {
        Stub.StubHappyPath();
        byte[] data = BlobApiStub.Data(10 * MiB, seed: 9);
        PartUploadClient sut = CreateSut();
        using var stream = new NonSeekableStream(data, maxRead: 7_001);

        PartUploadResult result = await sut.UploadAsync(stream, BlobApiStub.Upload(forceMultipart: false));

        result.PartNumbers.ShouldBe([1, 2]);
        Stub.PartRequests.Count.ShouldBe(2);
        BlobApiStub.ShouldBeBytes(Received(), data);
    }

    [Fact]
    public async Task UploadAsync_EmptyStream_SinglePutWithZeroLength()
    {
        Stub.Server.Given(Request.Create().WithPath(BlobApiStub.BlobPath).UsingPut()).RespondWith(Response.Create().WithStatusCode(200));
        PartUploadClient sut = CreateSut();
        using var stream = new MemoryStream();

        PartUploadResult result = await sut.UploadAsync(stream, BlobApiStub.Upload(forceMultipart: false));

        result.Size.ShouldBe(0);
        ILogEntry put = Stub.Entries.ShouldHaveSingleItem();
        BlobApiStub.Header(put, "Content-Length").ShouldBe("0");
        BlobApiStub.Header(put, "X-HERE-Digest").ShouldBe("CRC-32C:00000000");
    }

    [Fact]
    public async Task UploadAsync_EmptyStreamForcedMultipart_OneEmptyPart()
    {
        Stub.StubHappyPath();
        PartUploadClient sut = CreateSut();
        using var stream = new MemoryStream();

        PartUploadResult result = await sut.UploadAsync(stream, BlobApiStub.Upload());

        result.PartNumbers.ShouldBe([1]);
        BlobApiStub.Header(Stub.PartRequests.ShouldHaveSingleItem(), "Content-Length").ShouldBe("0");
    }

    [Fact]
    public async Task UploadAsync_FileWithWholeBlobDigests_DigestsCoverWholeFile()
    {
        Stub.StubHappyPath();
        byte[] data = BlobApiStub.Data((10 * MiB) + 3, seed: 10);
        string path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, data);
            PartUploadClient sut = CreateSut(o => o.MaxConcurrency = 3);
            PartUploadOptions options = BlobApiStub.Upload();
            options.WholeBlobDigests = WholeBlobDigests.Sha256 | WholeBlobDigests.Md5;

            PartUploadResult result = await sut.UploadAsync(path, options);

            result.Sha256.ShouldBe(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(data)));
#pragma warning disable CA5351 // MD5 is the oracle of an integrity digest.
            result.Md5.ShouldBe(Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(data)));
#pragma warning restore CA5351
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task UploadAsync_StreamShorterThanItsLength_ThrowsSourceTooShort()
    {
        Stub.StubHappyPath();
        PartUploadClient sut = CreateSut();
        using var stream = new LyingLengthStream(BlobApiStub.Data(500), claimedLength: 1000);

        var ex = await Should.ThrowAsync<SourceChangedException>(() => sut.UploadAsync(stream, BlobApiStub.Upload()));

        ex.ErrorCode.ShouldBe("SourceTooShort");
        Stub.Requests("PUT", BlobApiStub.UploadPath).ShouldBeEmpty();
    }

    [Fact]
    public async Task UploadAsync_AlreadyCancelled_SendsNothing()
    {
        Stub.StubHappyPath();
        PartUploadClient sut = CreateSut();
        using var stream = new MemoryStream(BlobApiStub.Data(1000));
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        Exception? ex = await Record.ExceptionAsync(() => sut.UploadAsync(stream, BlobApiStub.Upload(), cts.Token));

        ex.ShouldBeAssignableTo<OperationCanceledException>();
        Stub.Entries.ShouldBeEmpty();
    }

    [Fact]
    public async Task UploadAsync_BlobAboveFiftyGb_ThrowsBeforeAnyRequest()
    {
        Stub.StubHappyPath();
        PartUploadClient sut = CreateSut(o => o.PartSize = null);
        using var stream = new LyingLengthStream(BlobApiStub.Data(10), claimedLength: 50_000_000_001L);

        var ex = await Should.ThrowAsync<ArgumentOutOfRangeException>(() => sut.UploadAsync(stream, BlobApiStub.Upload()));

        ex.Message.ShouldContain("50 GB");
        Stub.Entries.ShouldBeEmpty();
    }

    [Fact]
    public async Task UploadAsync_ReservedPartSizeCannotFit_ThrowsBeforeAnyRequest()
    {
        Stub.StubHappyPath();
        PartUploadClient sut = CreateSut(o => { o.PartNumbering = PartNumbering.Reserved; o.ReservedNumbersPerPart = 100; });
        using var stream = new LyingLengthStream(BlobApiStub.Data(10), claimedLength: (100L * 5 * MiB) + 1);

        var ex = await Should.ThrowAsync<ArgumentOutOfRangeException>(() => sut.UploadAsync(stream, BlobApiStub.Upload()));

        ex.Message.ShouldContain("PartSize");
        Stub.Entries.ShouldBeEmpty();
    }

    [Fact]
    public async Task UploadAsync_InvalidDataHandle_ThrowsBeforeAnyRequest()
    {
        Stub.StubHappyPath();
        PartUploadClient sut = CreateSut();
        using var stream = new MemoryStream(BlobApiStub.Data(10));
        PartUploadOptions options = BlobApiStub.Upload();
        options.DataHandle = "bad/handle";

        await Should.ThrowAsync<ArgumentException>(() => sut.UploadAsync(stream, options));

        Stub.Entries.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task UploadAsync_SinglePutWithWholeBlobDigest_DigestCoversBlob(bool seekable)
    {
        Stub.Server.Given(Request.Create().WithPath(BlobApiStub.BlobPath).UsingPut()).RespondWith(Response.Create().WithStatusCode(200));
        byte[] data = BlobApiStub.Data(70_001, seed: 14);
        PartUploadClient sut = CreateSut();
        using Stream stream = seekable ? new MemoryStream(data) : new NonSeekableStream(data, maxRead: 7_001);
        PartUploadOptions options = BlobApiStub.Upload(forceMultipart: false);
        options.WholeBlobDigests = WholeBlobDigests.Sha256;

        PartUploadResult result = await sut.UploadAsync(stream, options);

        result.Multipart.ShouldBeFalse();
        result.Sha256.ShouldBe(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(data)));
        result.Crc32C.ShouldBe(System.IO.Hashing.Crc32.HashToUInt32(System.IO.Hashing.Crc32ParameterSet.Crc32C, data));
    }
}
