using System.Net;
using PartUploader.Internal.Protocol;

namespace PartUploader.Tests.Protocol;

public class ResponseBodyLimitHandlerTests
{
    private const int Cap = 64 * 1024;

    private static HttpRequestMessage StatusRequest()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "http://blob.example.test/x");
        request.Options.Set(RequestProperties.LinkKey, new BlobLinkTarget("http://blob.example.test/x", "GET"));
        return request;
    }

    private static (HttpMessageInvoker Sut, EndlessStream Body) CreateSut(HttpStatusCode status)
    {
        var body = new EndlessStream();
        var inner = new StubHandler(() => new HttpResponseMessage(status) { Content = new StreamContent(body) });
        return (new HttpMessageInvoker(new ResponseBodyLimitHandler(inner, Cap)), body);
    }

    [Fact]
    public async Task SendAsync_SuccessBodyWithoutLengthBeyondCap_ThrowsMalformedAndStopsReading()
    {
        (HttpMessageInvoker sut, EndlessStream body) = CreateSut(HttpStatusCode.OK);
        using HttpRequestMessage request = StatusRequest();

        var ex = await Should.ThrowAsync<PartUploadException>(() => sut.SendAsync(request, CancellationToken.None));

        ex.ErrorCode.ShouldBe(PartUploadErrorCodes.MalformedResponse);
        ex.Status.ShouldBe(200);
        body.BytesRead.ShouldBeInRange(Cap + 1, Cap + (16 * 1024));
        body.Disposed.ShouldBeTrue();
    }

    [Fact]
    public async Task SendAsync_ErrorBodyBeyondCap_KeepsStatusWithEmptyBody()
    {
        (HttpMessageInvoker sut, EndlessStream body) = CreateSut(HttpStatusCode.ServiceUnavailable);
        using HttpRequestMessage request = StatusRequest();

        using HttpResponseMessage response = await sut.SendAsync(request, CancellationToken.None);

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await response.Content.ReadAsByteArrayAsync()).ShouldBeEmpty();
        body.BytesRead.ShouldBeLessThanOrEqualTo(Cap + (16 * 1024));
    }

    [Fact]
    public async Task SendAsync_SmallJsonBody_IsBufferedWithItsContentType()
    {
        var inner = new StubHandler(() => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent("""{"status":"completed"}""", System.Text.Encoding.UTF8, "application/json"),
        });
        using var sut = new HttpMessageInvoker(new ResponseBodyLimitHandler(inner, Cap));
        using HttpRequestMessage request = StatusRequest();

        using HttpResponseMessage response = await sut.SendAsync(request, CancellationToken.None);

        (await response.Content.ReadAsStringAsync()).ShouldBe("""{"status":"completed"}""");
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
    }

    [Fact]
    public async Task SendAsync_BlobGet_StreamsTheBodyUntouched()
    {
        (HttpMessageInvoker sut, EndlessStream body) = CreateSut(HttpStatusCode.OK);
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://blob.example.test/layers/L/data/H");

        using HttpResponseMessage response = await sut.SendAsync(request, CancellationToken.None);

        body.BytesRead.ShouldBe(0);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task SendAsync_HeadDeclaringLargeBlob_PassesUnread()
    {
        var inner = new StubHandler(() =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
            response.Content.Headers.ContentLength = 5L * 1024 * 1024;
            return response;
        });
        using var sut = new HttpMessageInvoker(new ResponseBodyLimitHandler(inner, Cap));
        using var request = new HttpRequestMessage(HttpMethod.Head, "http://blob.example.test/layers/L/data/H");

        using HttpResponseMessage response = await sut.SendAsync(request, CancellationToken.None);

        response.Content.Headers.ContentLength.ShouldBe(5L * 1024 * 1024);
    }

    private sealed class StubHandler(Func<HttpResponseMessage> respond) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(respond());
    }

    /// <summary>A body that never ends, of unknown length, counting what was read.</summary>
    private sealed class EndlessStream : Stream
    {
        public long BytesRead { get; private set; }
        public bool Disposed { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }

        public override int Read(byte[] buffer, int offset, int count)
        {
            buffer.AsSpan(offset, count).Fill((byte)' ');
            BytesRead += count;
            return count;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
