using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PartUploader.Tests.Auth;

namespace PartUploader.Tests.DependencyInjection;

public class PartUploaderServiceCollectionExtensionsTests
{
    private const string BaseUrl = "https://blob.example.test/blobstore/v1/catalogs/hrn:here:data::org:cat";

    private static ServiceCollection CreateServices(bool withTokens = true)
    {
        var services = new ServiceCollection();
        if (withTokens)
        {
            services.AddSingleton(AccessTokenSource.FromToken("t"));
        }

        return services;
    }

    private static void Valid(PartUploadClientOptions o) => o.BaseUrl = new Uri(BaseUrl);

    /// <summary>Answers every request 200 and records it: what the resolved client actually sends, with no network.</summary>
    private static FakeHttpHandler RecordingTransport(IHttpClientBuilder builder)
    {
        var handler = new FakeHttpHandler((_, _) => new HttpResponseMessage(HttpStatusCode.OK));
        builder.ConfigurePrimaryHttpMessageHandler(() => handler);
        return handler;
    }

    [Fact]
    public async Task AddPartUploader_Delegate_ResolvesClientWithOptions()
    {
        const string OwnBaseUrl = "https://own.example.test/blobstore/v1/catalogs/hrn:here:data::org:own";
        ServiceCollection services = CreateServices();
        FakeHttpHandler transport = RecordingTransport(services.AddPartUploader(o =>
        {
            o.BaseUrl = new Uri(OwnBaseUrl);
            o.BillingTag = "tag42";
            o.MaxDataHandleLength = 8;
        }));
        using ServiceProvider sut = services.BuildServiceProvider();
        PartUploadClient client = sut.GetRequiredService<PartUploadClient>();

        // Each value set by the delegate shows in what the resolved client does: where it sends, what it adds, what it refuses.
        (await client.ExistsAsync("L", "handle08")).ShouldBeTrue();
        Should.Throw<ArgumentException>(() => client.ExistsAsync("L", "handle009")).ParamName.ShouldBe("dataHandle");

        RecordedRequest request = transport.Requests.ShouldHaveSingleItem();
        request.Method.ShouldBe(HttpMethod.Head);
        request.Uri.ShouldBe(new Uri(OwnBaseUrl + "/layers/L/data/handle08?billingTag=tag42"));
    }

    [Fact]
    public void AddPartUploader_ConfigurationSection_BindsOptionsIncludingRetry()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Blob:BaseUrl"] = BaseUrl,
            ["Blob:MaxConcurrency"] = "5",
            ["Blob:PartNumbering"] = "Reserved",
            ["Blob:Retry:MaxAttempts"] = "2",
        }).Build();
        ServiceCollection services = CreateServices();
        services.AddPartUploader(configuration.GetSection("Blob"));
        using ServiceProvider sut = services.BuildServiceProvider();

        PartUploadClientOptions options = sut.GetRequiredService<IOptionsMonitor<PartUploadClientOptions>>().Get(PartUploaderDefaults.HttpClientName);

        options.BaseUrl.ShouldBe(new Uri(BaseUrl));
        options.MaxConcurrency.ShouldBe(5);
        options.PartNumbering.ShouldBe(PartNumbering.Reserved);
        options.Retry.MaxAttempts.ShouldBe(2);
        sut.GetRequiredService<PartUploadClient>().ShouldNotBeNull();
    }

    [Fact]
    public void AddPartUploader_Named_ResolvesKeyedClientOnly()
    {
        ServiceCollection services = CreateServices();
        services.AddPartUploader("archive", Valid);
        using ServiceProvider sut = services.BuildServiceProvider();

        sut.GetRequiredKeyedService<PartUploadClient>("archive").ShouldNotBeNull();
        sut.GetService<PartUploadClient>().ShouldBeNull();
    }

    [Fact]
    public void AddPartUploader_TwoNames_EachUsesItsOwnOptions()
    {
        ServiceCollection services = CreateServices();
        services.AddPartUploader("good", Valid);
        services.AddPartUploader("bad", o => { Valid(o); o.MaxConcurrency = 0; });
        using ServiceProvider sut = services.BuildServiceProvider();

        sut.GetRequiredKeyedService<PartUploadClient>("good").ShouldNotBeNull();
        Should.Throw<OptionsValidationException>(() => sut.GetRequiredKeyedService<PartUploadClient>("bad")).Message.ShouldContain("MaxConcurrency");
    }

    [Fact]
    public async Task AddPartUploader_KeyedTokenSource_PreferredOverUnkeyed()
    {
        ServiceCollection services = CreateServices(withTokens: false);
        services.AddSingleton(AccessTokenSource.FromToken("unkeyed"));
        services.AddKeyedSingleton("archive", AccessTokenSource.FromToken("keyed"));
        FakeHttpHandler archive = RecordingTransport(services.AddPartUploader("archive", Valid));
        FakeHttpHandler other = RecordingTransport(services.AddPartUploader("other", Valid));
        using ServiceProvider sut = services.BuildServiceProvider();

        await sut.GetRequiredKeyedService<PartUploadClient>("archive").ExistsAsync("L", "H");
        await sut.GetRequiredKeyedService<PartUploadClient>("other").ExistsAsync("L", "H");

        archive.Requests.ShouldHaveSingleItem().Authorization.ShouldBe("Bearer keyed");
        other.Requests.ShouldHaveSingleItem().Authorization.ShouldBe("Bearer unkeyed");
    }

    [Fact]
    public void AddPartUploader_BadOptions_StartupValidatorFailsNamingProperty()
    {
        ServiceCollection services = CreateServices();
        services.AddPartUploader(o => { Valid(o); o.BillingTag = "x"; });
        using ServiceProvider sut = services.BuildServiceProvider();

        var ex = Should.Throw<OptionsValidationException>(() => sut.GetRequiredService<IStartupValidator>().Validate());

        ex.Message.ShouldContain("BillingTag");
    }

    [Fact]
    public void AddPartUploader_MissingBaseUrl_OptionsMonitorFailsNamingBaseUrl()
    {
        ServiceCollection services = CreateServices();
        services.AddPartUploader(_ => { });
        using ServiceProvider sut = services.BuildServiceProvider();

        var ex = Should.Throw<OptionsValidationException>(() => sut.GetRequiredService<IOptionsMonitor<PartUploadClientOptions>>().Get(PartUploaderDefaults.HttpClientName));

        ex.Message.ShouldContain("BaseUrl");
    }

    [Fact]
    public void AddPartUploader_GoodOptions_StartupValidatorPasses()
    {
        ServiceCollection services = CreateServices();
        services.AddPartUploader(Valid);
        using ServiceProvider sut = services.BuildServiceProvider();

        Should.NotThrow(() => sut.GetRequiredService<IStartupValidator>().Validate());
    }

    [Fact]
    public void AddPartUploader_CalledTwice_IsHarmless()
    {
        ServiceCollection services = CreateServices();
        services.AddPartUploader(o => { Valid(o); o.MaxConcurrency = 2; });
        services.AddPartUploader(o => { Valid(o); o.MaxConcurrency = 4; });
        using ServiceProvider sut = services.BuildServiceProvider();

        Should.NotThrow(() => sut.GetRequiredService<IStartupValidator>().Validate());
        sut.GetServices<PartUploadClient>().Count().ShouldBe(1);
        sut.GetRequiredService<PartUploadClient>().ShouldNotBeNull();
        sut.GetRequiredService<IOptionsMonitor<PartUploadClientOptions>>().Get(PartUploaderDefaults.HttpClientName).MaxConcurrency.ShouldBe(4);
    }

    [Fact]
    public void AddPartUploader_NoAccessTokenSourceAndNoCredentialsFile_TypedErrorNamingTheFile()
    {
        ServiceCollection services = CreateServices(withTokens: false);
        string missing = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "credentials.properties");
        services.AddPartUploader("archive", o =>
        {
            Valid(o);
            o.CredentialsFile = missing;
        });
        using ServiceProvider sut = services.BuildServiceProvider();

        var ex = Should.Throw<PartUploadAuthenticationException>(() => sut.GetRequiredKeyedService<PartUploadClient>("archive"));

        ex.ErrorCode.ShouldBe("CredentialsFileNotFound");
        ex.Message.ShouldContain("credentials.properties");
    }

    [Fact]
    public void AddPartUploader_EmptyName_Throws()
    {
        Should.Throw<ArgumentException>(() => CreateServices().AddPartUploader(" ", Valid));
    }
}
