using Microsoft.Extensions.Options;
using PartUploader.Internal.Validation;

namespace PartUploader.Tests.Validation;

public class PartUploadClientOptionsValidatorTests
{
    private static PartUploadClientOptionsValidator CreateSut() => new();

    private static PartUploadClientOptions Valid() => new() { BaseUrl = new Uri("https://blob.example.test/blobstore/v1/catalogs/hrn:here:data::org:cat") };

    public static TheoryData<string, Action<PartUploadClientOptions>> InvalidRules() => new()
    {
        { "BaseUrl", o => o.BaseUrl = null },
        { "BaseUrl", o => o.BaseUrl = new Uri("/relative", UriKind.Relative) },
        { "BaseUrl", o => o.BaseUrl = new Uri("ftp://blob.example.test/x") },
        { "PartSize", o => o.PartSize = (5L * 1024 * 1024) - 1 },
        { "PartSize", o => { o.PartSize = (5L * 1024 * 1024 * 1024) + 1; o.MaxBufferedBytes = 6L * 1024 * 1024 * 1024; } },
        { "MaxBufferedBytes", o => { o.PartSize = 64L * 1024 * 1024; o.MaxBufferedBytes = 32L * 1024 * 1024; o.SingleShotThreshold = 0; } },
        { "MaxBufferedBytes", o => { o.MaxBufferedBytes = 1024; o.SingleShotThreshold = 0; } },
        { "MaxConcurrency", o => o.MaxConcurrency = 0 },
        { "MaxConcurrency", o => o.MaxConcurrency = 257 },
        { "SingleShotThreshold", o => o.SingleShotThreshold = -1 },
        { "SingleShotThreshold", o => { o.MaxBufferedBytes = 16L * 1024 * 1024; o.SingleShotThreshold = 32L * 1024 * 1024; } },
        { "DigestAlgorithm", o => o.DigestAlgorithm = (DigestAlgorithm)99 },
        { "PartNumbering", o => o.PartNumbering = (PartNumbering)99 },
        { "ReservedNumbersPerPart", o => o.ReservedNumbersPerPart = 1 },
        { "ReservedNumbersPerPart", o => o.ReservedNumbersPerPart = 101 },
        { "MaxDataHandleLength", o => o.MaxDataHandleLength = 0 },
        { "MaxDataHandleLength", o => o.MaxDataHandleLength = 1025 },
        { "BillingTag", o => o.BillingTag = "ab" },
        { "BillingTag", o => o.BillingTag = "bad_tag!" },
        { "CompletionTimeout", o => o.CompletionTimeout = TimeSpan.FromSeconds(-1) },
        { "CancelTimeout", o => o.CancelTimeout = TimeSpan.Zero },
        { "Retry", o => o.Retry = null! },
        { "MaxAttempts", o => o.Retry.MaxAttempts = 0 },
        { "RetryBudget", o => o.Retry.RetryBudget = -1 },
        { "Retry.BaseDelay", o => o.Retry.BaseDelay = TimeSpan.FromSeconds(-1) },
        { "Retry.MaxDelay", o => { o.Retry.BaseDelay = TimeSpan.FromSeconds(10); o.Retry.MaxDelay = TimeSpan.FromSeconds(1); } },
        { "Retry.MaxRetryAfter", o => o.Retry.MaxRetryAfter = TimeSpan.FromSeconds(-1) },
        { "Retry.AttemptTimeout", o => o.Retry.AttemptTimeout = TimeSpan.Zero },
    };

    [Fact]
    public void Validate_Defaults_Succeed()
    {
        ValidateOptionsResult result = CreateSut().Validate("x", Valid());

        result.Succeeded.ShouldBeTrue(result.FailureMessage);
    }

    [Theory]
    [MemberData(nameof(InvalidRules))]
    public void Validate_BrokenRule_FailsNamingProperty(string property, Action<PartUploadClientOptions> breakIt)
    {
        PartUploadClientOptions options = Valid();
        breakIt(options);

        ValidateOptionsResult result = CreateSut().Validate("x", options);

        result.Failed.ShouldBeTrue();
        result.FailureMessage!.ShouldContain(property);
    }

    [Theory]
    [MemberData(nameof(InvalidRules))]
    public void Constructor_BrokenRule_ThrowsOptionsValidationException(string property, Action<PartUploadClientOptions> breakIt)
    {
        PartUploadClientOptions options = Valid();
        breakIt(options);
        using var http = new HttpClient();

        var ex = Should.Throw<OptionsValidationException>(() => new PartUploadClient(http, options, AccessTokenSource.FromToken("t")));

        ex.Message.ShouldContain(property);
        ex.OptionsType.ShouldBe(typeof(PartUploadClientOptions));
    }

    [Fact]
    public void Validate_SeveralBrokenRules_ReportsEach()
    {
        PartUploadClientOptions options = Valid();
        options.MaxConcurrency = 0;
        options.BillingTag = "x";

        ValidateOptionsResult result = CreateSut().Validate("x", options);

        result.Failures!.ShouldContain(f => f.Contains("MaxConcurrency", StringComparison.Ordinal));
        result.Failures!.ShouldContain(f => f.Contains("BillingTag", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SpanOutOfRange_MessageNamesValueAndRange()
    {
        PartUploadClientOptions options = Valid();
        options.CancelTimeout = TimeSpan.FromHours(1);

        ValidateOptionsResult result = CreateSut().Validate("x", options);

        result.FailureMessage!.ShouldContain("CancelTimeout is 01:00:00");
        result.FailureMessage!.ShouldContain("00:10:00");
    }

    [Fact]
    public void Validate_RelativeBaseUrlWithQuery_MessageOmitsQuery()
    {
        PartUploadClientOptions options = Valid();
        options.BaseUrl = new Uri("/blobstore/v1?secret=abc", UriKind.Relative);

        ValidateOptionsResult result = CreateSut().Validate("x", options);

        result.FailureMessage!.ShouldContain("/blobstore/v1");
        result.FailureMessage!.ShouldNotContain("secret");
    }

    [Fact]
    public void ToString_RelativeBaseUrl_DoesNotThrow()
    {
        PartUploadClientOptions options = Valid();
        options.BaseUrl = new Uri("/blobstore/v1", UriKind.Relative);

        options.ToString().ShouldContain("BaseUrl=/blobstore/v1");
    }
}
