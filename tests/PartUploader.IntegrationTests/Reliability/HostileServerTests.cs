using System.Diagnostics;
using System.Globalization;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using Xunit.Abstractions;

namespace PartUploader.IntegrationTests.Reliability;

/// <summary>Two WireMock servers on 127.0.0.1: the blob service the client trusts, and another host it must never reach.</summary>
public sealed class HostileServers : IDisposable
{
    public HostileServers()
    {
        Service = Start();
        OtherHost = Start();
    }

    public WireMockServer Service { get; }

    public WireMockServer OtherHost { get; }

    public string ServiceRoot => Root(Service);

    public string OtherRoot => Root(OtherHost);

    private static string Root(WireMockServer server) => "http://127.0.0.1:" + server.Port.ToString(CultureInfo.InvariantCulture);

    private static WireMockServer Start()
    {
        // Port 0: the OS assigns the port as the server binds it (no probe-then-bind race); Port reports it.
        return WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
    }

    public void Dispose()
    {
        Service.Stop();
        Service.Dispose();
        OtherHost.Stop();
        OtherHost.Dispose();
    }
}

/// <summary>
/// Broken or hostile replies from the service: each upload ends in a typed <see cref="PartUploadException"/> within a
/// bounded time, never hangs, and never sends the bearer token (or anything) to another host.
/// </summary>
public sealed class HostileServerTests : IClassFixture<HostileServers>, IDisposable
{
    private const string Catalog = "/blobstore/v1/catalogs/hrn:here:data::x:y";
    private const string Token = "hostile-test-bearer-7f3a9c";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly HostileServers _servers;
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan };

    private readonly ITestOutputHelper _output;

    public HostileServerTests(HostileServers servers, ITestOutputHelper output)
    {
        _servers = servers;
        _output = output;
        Reset(servers.Service);
        Reset(servers.OtherHost);
        _servers.OtherHost.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithHeader("ETag", "\"stolen\"").WithBody("{}"));
    }

    private static void Reset(WireMockServer server)
    {
        server.ResetMappings();
        server.ResetLogEntries();
    }

    private WireMockServer Service => _servers.Service;

    private static string Links(string root)
    {
        string Link(string suffix, string method) => "{\"href\":\"" + root + Catalog + "/layers/l/data/h/multiparts/u1" + suffix + "\",\"method\":\"" + method + "\"}";
        return "{\"links\":{\"uploadPart\":" + Link("/parts", "POST") + ",\"complete\":" + Link(string.Empty, "PUT")
            + ",\"status\":" + Link(string.Empty, "GET") + ",\"delete\":" + Link(string.Empty, "DELETE") + "}}";
    }

    private void OnStart(IResponseBuilder response) =>
        Service.Given(Request.Create().WithPath(new WildcardMatcher("*/multiparts")).UsingPost()).RespondWith(response);

    private static IResponseBuilder Json(string body, int status = 200) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body);

    /// <summary>A service that works, step by step; a test overrides one step.</summary>
    private void HealthyService(bool part = true, bool complete = true, bool status = true, bool delete = true)
    {
        OnStart(Json(Links(_servers.ServiceRoot)));
        if (part)
        {
            Service.Given(Request.Create().WithPath(new WildcardMatcher("*/multiparts/u1/parts")).UsingPost())
                .RespondWith(Response.Create().WithStatusCode(200).WithHeader("ETag", "\"e1\""));
        }

        if (complete)
        {
            Service.Given(Request.Create().WithPath(new WildcardMatcher("*/multiparts/u1")).UsingPut()).RespondWith(Response.Create().WithStatusCode(204));
        }

        if (status)
        {
            Service.Given(Request.Create().WithPath(new WildcardMatcher("*/multiparts/u1")).UsingGet()).RespondWith(Json("""{"status":"completed"}"""));
        }

        if (delete)
        {
            Service.Given(Request.Create().WithPath(new WildcardMatcher("*/multiparts/u1")).UsingDelete()).RespondWith(Response.Create().WithStatusCode(204));
        }
    }

    private async Task<PartUploadException> UploadShouldFailTypedAsync(string why, HttpClient? http = null, bool otherHostMayBeReached = false)
    {
        var options = new PartUploadClientOptions
        {
            BaseUrl = new Uri(_servers.ServiceRoot + Catalog),
            PartSize = 5 * 1024 * 1024,
            MaxConcurrency = 2,
            MaxBufferedBytes = 16 * 1024 * 1024,
            SingleShotThreshold = 1024 * 1024,
            CompletionTimeout = TimeSpan.FromSeconds(5),
            CancelTimeout = TimeSpan.FromSeconds(3),
        };
        options.Retry.MaxAttempts = 2;
        options.Retry.BaseDelay = TimeSpan.Zero;
        options.Retry.MaxDelay = TimeSpan.Zero;
        options.Retry.AttemptTimeout = TimeSpan.FromSeconds(1);
        var client = new PartUploadClient(http ?? _http, options, AccessTokenSource.FromToken(Token));
        using var deadline = new CancellationTokenSource(Bound);
        var clock = Stopwatch.StartNew();

        Exception? thrown = null;
        try
        {
            await client.UploadAsync(new MemoryStream(new byte[4096]), new PartUploadOptions { LayerId = "l", DataHandle = "h", ForceMultipart = true }, deadline.Token)
                .WaitAsync(Bound + TimeSpan.FromSeconds(5));
        }
#pragma warning disable CA1031 // Judged below.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            thrown = ex;
        }

        clock.Elapsed.ShouldBeLessThan(Bound, $"{why}: the upload was not bounded");
        thrown.ShouldNotBeNull($"{why}: the upload succeeded");
        thrown.ShouldBeAssignableTo<PartUploadException>($"{why}: not typed: {thrown}");
        thrown.ShouldNotBeOfType<OperationCanceledException>();
        thrown.ToString().ShouldNotContain(Token);
        if (otherHostMayBeReached)
        {
            _servers.OtherHost.LogEntries.ShouldAllBe(e => !e.RequestMessage.Headers!.ContainsKey("Authorization"), $"{why}: the bearer token went to the other host");
        }
        else
        {
            NothingReachedTheOtherHost(why);
        }

        var typed = (PartUploadException)thrown;
        _output.WriteLine($"{why}: {thrown.GetType().Name} ErrorCode={typed.ErrorCode} Status={typed.Status} after {clock.ElapsedMilliseconds} ms: {thrown.Message}");
        return typed;
    }

    private void NothingReachedTheOtherHost(string why)
    {
        _servers.OtherHost.LogEntries.ShouldBeEmpty($"{why}: a request reached the other host");
        foreach (var entry in Service.LogEntries)
        {
            entry.RequestMessage.Url.ShouldStartWith(_servers.ServiceRoot);
        }
    }

    [Fact]
    public async Task Start_MalformedJson_FailsTyped()
    {
        HealthyService();
        OnStart(Json("{links: not json at all"));
        await UploadShouldFailTypedAsync("malformed JSON");
    }

    [Fact]
    public async Task Start_TruncatedJson_FailsTyped()
    {
        HealthyService();
        OnStart(Json("""{"links":{"uploadPart":{"href":"http://127.0.0.1/x","me"""));
        await UploadShouldFailTypedAsync("truncated JSON");
    }

    [Fact]
    public async Task Start_MissingLinks_FailsTyped()
    {
        HealthyService();
        OnStart(Json("""{"id":"u1"}"""));
        await UploadShouldFailTypedAsync("no links");
    }

    [Fact]
    public async Task Start_LinksToAnotherHost_FailsTypedWithoutSendingAnything()
    {
        HealthyService();
        OnStart(Json(Links(_servers.OtherRoot)));
        PartUploadException ex = await UploadShouldFailTypedAsync("links to another host");
        ex.ErrorCode.ShouldBe("UntrustedHost");
    }

    [Fact]
    public async Task Part_NoETag_FailsTyped()
    {
        HealthyService(part: false);
        Service.Given(Request.Create().WithPath(new WildcardMatcher("*/multiparts/u1/parts")).UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        PartUploadException ex = await UploadShouldFailTypedAsync("no ETag");
        ex.ErrorCode.ShouldBe("MissingETag");
        Service.LogEntries.ShouldContain(e => e.RequestMessage.Method == "DELETE", "the upload was not cancelled");
    }

    [Fact]
    public async Task Status_HtmlBody_FailsTyped()
    {
        HealthyService(status: false);
        Service.Given(Request.Create().WithPath(new WildcardMatcher("*/multiparts/u1")).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/html").WithBody("<html><body>Gateway maintenance</body></html>"));
        await UploadShouldFailTypedAsync("HTML status");
    }

    [Theory]
    [InlineData("start", 307)]
    [InlineData("start", 302)]
    [InlineData("complete", 307)]
    [InlineData("complete", 308)]
    public async Task Redirect_ToAnotherHost_FailsTypedWithoutFollowing(string step, int status)
    {
        HealthyService(complete: step != "complete");
        IResponseBuilder redirect = Response.Create().WithStatusCode(status).WithHeader("Location", _servers.OtherRoot + "/stolen");
        if (step == "start")
        {
            OnStart(redirect);
        }
        else
        {
            Service.Given(Request.Create().WithPath(new WildcardMatcher("*/multiparts/u1")).UsingPut()).RespondWith(redirect);
        }

        await UploadShouldFailTypedAsync($"{status} on {step}");
    }

    /// <summary>
    /// A caller's own HttpClient that follows redirects (the .NET default) re-sends the start request to the other host
    /// before the SDK sees the 307; .NET drops the Authorization header on that hop, so the token still stays home,
    /// and the SDK refuses the other host's answer. (The SDK's own AddPartUploader registration turns automatic redirects off.)
    /// </summary>
    [Fact]
    public async Task Redirect_WithAnAutoRedirectingHttpClient_NeverCarriesTheToken()
    {
        HealthyService();
        OnStart(Response.Create().WithStatusCode(307).WithHeader("Location", _servers.OtherRoot + "/stolen"));
        using var following = new HttpClient();

        PartUploadException ex = await UploadShouldFailTypedAsync("307 on start, auto-redirect", following, otherHostMayBeReached: true);

        ex.ErrorCode.ShouldBe("UntrustedHost", "an answer that came from another host is never taken for the service's");

        _output.WriteLine($"other host saw {_servers.OtherHost.LogEntries.Count} request(s), none with Authorization; the upload failed with {ex.ErrorCode}");
    }

    [Fact]
    public async Task Start_NeverEndingResponse_IsBoundedByTheAttemptTimeout()
    {
        HealthyService();
        OnStart(Json(Links(_servers.ServiceRoot)).WithDelay(TimeSpan.FromSeconds(20)));
        var clock = Stopwatch.StartNew();
        await UploadShouldFailTypedAsync("never-ending start");
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(15), "two attempts of 1 s each should end long before the 20 s reply");
    }

    [Fact]
    public async Task Part_NeverEndingResponse_IsBoundedByTheAttemptTimeout()
    {
        HealthyService(part: false);
        Service.Given(Request.Create().WithPath(new WildcardMatcher("*/multiparts/u1/parts")).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("ETag", "\"e1\"").WithDelay(TimeSpan.FromSeconds(20)));
        var clock = Stopwatch.StartNew();
        await UploadShouldFailTypedAsync("never-ending part");
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Start_HugeResponseHeader_FailsTyped()
    {
        HealthyService();
        OnStart(Json(Links(_servers.ServiceRoot)).WithHeader("X-Padding", new string('a', 256 * 1024)));
        await UploadShouldFailTypedAsync("huge header");
    }

    [Fact]
    public async Task Complete_ErrorBodyIsHtml_FailsTypedWithStatus()
    {
        HealthyService(complete: false);
        Service.Given(Request.Create().WithPath(new WildcardMatcher("*/multiparts/u1")).UsingPut())
            .RespondWith(Response.Create().WithStatusCode(500).WithHeader("Content-Type", "text/html").WithBody("<html>oops</html>"));
        PartUploadException ex = await UploadShouldFailTypedAsync("HTML 500 on complete");
        ex.Status.ShouldBe(500);
    }

    public void Dispose()
    {
        _http.Dispose();
        GC.SuppressFinalize(this);
    }
}
