using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace PartUploader.Tests.Engine;

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

    [Fact]
    public void AddPartUploader_Delegate_ResolvesClientWithOptions()
    {
        ServiceCollection services = CreateServices();
        services.AddPartUploader(o => { Valid(o); o.MaxConcurrency = 3; });
        using ServiceProvider sut = services.BuildServiceProvider();

        sut.GetRequiredService<PartUploadClient>().ShouldNotBeNull();
        sut.GetRequiredService<IOptionsMonitor<PartUploadClientOptions>>().Get(PartUploaderDefaults.HttpClientName).MaxConcurrency.ShouldBe(3);
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
    public void AddPartUploader_KeyedTokenSource_PreferredOverUnkeyed()
    {
        ServiceCollection services = CreateServices(withTokens: false);
        services.AddKeyedSingleton("archive", AccessTokenSource.FromToken("keyed"));
        services.AddPartUploader("archive", Valid);
        using ServiceProvider sut = services.BuildServiceProvider();

        sut.GetRequiredKeyedService<PartUploadClient>("archive").ShouldNotBeNull();
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
