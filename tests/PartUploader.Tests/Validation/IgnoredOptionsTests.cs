using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PartUploader.Internal.Transfer;
using PartUploader.Internal.Validation;

namespace PartUploader.Tests.Validation;

/// <summary>No option is silently ignored: it is honoured, refused naming both sides, or its clamp is logged once.</summary>
public class IgnoredOptionsTests
{
    private const string Hrn = "hrn:here:data::org:cat";
    private const long MiB = 1024 * 1024;

    private static PartUploadClientOptions Valid() => new() { BaseUrl = new Uri("https://blob.example.test/blobstore/v1/catalogs/" + Hrn) };

    [Fact]
    public void Validate_CatalogHrnOfAnotherCatalogThanBaseUrl_FailsNamingBoth()
    {
        PartUploadClientOptions options = Valid();
        options.CatalogHrn = "hrn:here:data::org:other";

        ValidateOptionsResult result = new PartUploadClientOptionsValidator().Validate("x", options);

        result.Failed.ShouldBeTrue();
        result.FailureMessage!.ShouldContain("CatalogHrn 'hrn:here:data::org:other'");
        result.FailureMessage!.ShouldContain("BaseUrl 'https://blob.example.test/blobstore/v1/catalogs/" + Hrn + "'");
    }

    [Theory]
    [InlineData("https://blob.example.test/blobstore/v1/catalogs/" + Hrn)]
    [InlineData("https://blob.example.test/blobstore/v1/catalogs/" + Hrn + "/")]
    [InlineData("https://blob.example.test/blobstore/v1/catalogs/hrn%3Ahere%3Adata%3A%3Aorg%3Acat")]
    public void Validate_CatalogHrnAndBaseUrlOfTheSameCatalog_Succeeds(string baseUrl)
    {
        var options = new PartUploadClientOptions { BaseUrl = new Uri(baseUrl), CatalogHrn = Hrn };

        ValidateOptionsResult result = new PartUploadClientOptionsValidator().Validate("x", options);

        result.Succeeded.ShouldBeTrue(result.FailureMessage);
    }

    [Fact]
    public void Constructor_CredentialsFileSet_ThrowsNamingItAndTheTokenSource()
    {
        PartUploadClientOptions options = Valid();
        options.CredentialsFile = "credentials.properties";
        using var http = new HttpClient();

        var ex = Should.Throw<OptionsValidationException>(() => new PartUploadClient(http, options, AccessTokenSource.FromToken("t")));

        ex.Message.ShouldContain("CredentialsFile is set");
        ex.Message.ShouldContain("tokenSource");
        ex.Message.ShouldNotContain("TokenRequestFormat");
    }

    [Fact]
    public void Constructor_TokenRequestFormatSet_ThrowsNamingItAndTheTokenSource()
    {
        PartUploadClientOptions options = Valid();
        options.TokenRequestFormat = HereTokenRequestFormat.Json;
        using var http = new HttpClient();

        var ex = Should.Throw<OptionsValidationException>(() => new PartUploadClient(http, options, AccessTokenSource.FromToken("t")));

        ex.Message.ShouldContain("TokenRequestFormat is set");
        ex.Message.ShouldContain("tokenSource");
        ex.Message.ShouldContain("HereTokenSourceOptions.RequestFormat");
    }

    [Fact]
    public void AddPartUploader_RegisteredTokenSourceAndCredentialsFile_ThrowsNamingBoth()
    {
        var services = new ServiceCollection();
        services.AddSingleton(AccessTokenSource.FromToken("t"));
        services.AddPartUploader(o =>
        {
            o.BaseUrl = new Uri("https://blob.example.test/blobstore/v1/catalogs/" + Hrn);
            o.CredentialsFile = "credentials.properties";
        });
        using ServiceProvider sut = services.BuildServiceProvider();

        var ex = Should.Throw<OptionsValidationException>(() => sut.GetRequiredService<PartUploadClient>());

        ex.Message.ShouldContain("CredentialsFile is set");
        ex.Message.ShouldContain("a registered AccessTokenSource");
    }

    [Fact]
    public void ConcurrencyFor_BudgetHoldsFewerParts_LowersAndWarnsOncePerOptions()
    {
        var options = new PartUploadClientOptions { MaxConcurrency = 8, MaxBufferedBytes = 64 * MiB };
        var logger = new RecordingLogger();

        int first = ConcurrencyLimit.For(options, 16 * MiB, logger);
        int second = ConcurrencyLimit.For(options, 16 * MiB, logger);

        first.ShouldBe(4);
        second.ShouldBe(4);
        RecordingLogger.Entry warning = logger.Entries.ShouldHaveSingleItem();
        warning.Level.ShouldBe(LogLevel.Warning);
        warning.EventName.ShouldBe("ConcurrencyLowered");
        warning.Message.ShouldContain("MaxConcurrency 8 lowered to 4");
        warning.Message.ShouldContain("MaxBufferedBytes 67108864");
    }

    [Fact]
    public void ConcurrencyFor_OtherOptionsInstance_WarnsForItToo()
    {
        var logger = new RecordingLogger();

        ConcurrencyLimit.For(new PartUploadClientOptions { MaxConcurrency = 8, MaxBufferedBytes = 64 * MiB }, 16 * MiB, logger);
        ConcurrencyLimit.For(new PartUploadClientOptions { MaxConcurrency = 8, MaxBufferedBytes = 64 * MiB }, 16 * MiB, logger);

        logger.Entries.Count.ShouldBe(2);
    }

    [Fact]
    public void ConcurrencyFor_BudgetHoldsEveryPart_KeepsItAndLogsNothing()
    {
        var options = new PartUploadClientOptions { MaxConcurrency = 8, MaxBufferedBytes = 128 * MiB };
        var logger = new RecordingLogger();

        int concurrency = ConcurrencyLimit.For(options, 16 * MiB, logger);

        concurrency.ShouldBe(8);
        logger.Entries.ShouldBeEmpty();
    }

    private sealed class RecordingLogger : ILogger
    {
        public List<Entry> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add(new Entry(logLevel, eventId.Name, formatter(state, exception)));

        public sealed record Entry(LogLevel Level, string? EventName, string Message);
    }
}
