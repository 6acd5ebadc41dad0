using System.Net;

namespace PartUploader.Emulator.Tests;

/// <summary>Malformed input never crashes the emulator.</summary>
public sealed class RobustnessTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture _fixture;

    public RobustnessTests(EmulatorFixture fixture) => _fixture = fixture;

    private BlobEmulator Emulator => _fixture.Emulator;

    [Theory]
    [InlineData("Content-Length: -1\r\n")]
    [InlineData("Content-Length: abc\r\n")]
    [InlineData("Content-Length: 99999999999999999999999\r\n")]
    [InlineData("Content-Length: 5\r\nContent-Length: 6\r\n")]
    public async Task UploadPart_BrokenContentLength_Returns400AndServerStaysUp(string header)
    {
        Links links = await _fixture.Api.StartAsync(BlobApi.NewHandle());

        string response = await RawHttp.SendAsync(Emulator.ServiceUrl, $"POST {new Uri(links.UploadPart).PathAndQuery}?partNumber=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {_fixture.Api.Token}\r\nContent-Type: application/octet-stream\r\n{header}\r\n");

        response.ShouldStartWith("HTTP/1.1 400");
        (await _fixture.Api.StartAsync(BlobApi.NewHandle())).ShouldNotBeNull();
    }

    [Fact]
    public async Task AnyRoute_HugeHeader_IsRejectedAndServerStaysUp()
    {
        using HttpRequestMessage request = _fixture.Api.Request(HttpMethod.Get, _fixture.Api.BlobUrl(BlobApi.NewHandle()));
        request.Headers.TryAddWithoutValidation("X-Absurd", new string('x', 100_000));

        using HttpResponseMessage response = await _fixture.Api.SendAsync(request);

        ((int)response.StatusCode).ShouldBe(431);
        (await _fixture.Api.StartAsync(BlobApi.NewHandle())).ShouldNotBeNull();
    }

    [Fact]
    public async Task Complete_DeeplyNestedJson_Returns400()
    {
        Links links = await _fixture.Api.StartAsync(BlobApi.NewHandle());

        using HttpResponseMessage response = await _fixture.Api.CompleteRawAsync(links, new string('[', 10_000));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Start_WrongMethodOnMultiparts_Returns405()
    {
        using HttpRequestMessage request = _fixture.Api.Request(HttpMethod.Get, _fixture.Api.BlobUrl(BlobApi.NewHandle()) + "/multiparts");

        using HttpResponseMessage response = await _fixture.Api.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task UploadPart_ClientAbortsMidBody_PartNotStoredAndServerStaysUp()
    {
        Links links = await _fixture.Api.StartAsync(BlobApi.NewHandle());

        string head = $"POST {new Uri(links.UploadPart).PathAndQuery}?partNumber=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {_fixture.Api.Token}\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000000\r\n\r\n";
        using (System.Net.Sockets.TcpClient client = new())
        {
            await client.ConnectAsync(Emulator.ServiceUrl.Host, Emulator.ServiceUrl.Port);
            await client.GetStream().WriteAsync(System.Text.Encoding.ASCII.GetBytes(head));
            await client.GetStream().WriteAsync(new byte[1000]);
        }

        using HttpResponseMessage complete = await _fixture.Api.CompleteAsync(links, (1, "\"x\""));
        complete.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}
