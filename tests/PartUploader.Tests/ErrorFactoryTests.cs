using PartUploader.Internal;

namespace PartUploader.Tests;

/// <summary>The one error factory: each kind is the subtype callers catch, and the message and properties come from the same facts.</summary>
public sealed class ErrorFactoryTests
{
    private static readonly ErrorFacts s_facts = new("Something failed", "UploadPart", "E_CODE", 503)
    {
        Title = "busy",
        CorrelationId = "corr-9",
        DataHandle = "handle-1",
        UploadId = "up-7",
        PartNumber = 42,
        Offset = 1234,
    };

    [Theory]
    [InlineData(nameof(ErrorKind.General), typeof(PartUploadException))]
    [InlineData(nameof(ErrorKind.Integrity), typeof(PartChecksumMismatchException))]
    [InlineData(nameof(ErrorKind.SourceChanged), typeof(SourceChangedException))]
    [InlineData(nameof(ErrorKind.BlobExists), typeof(BlobAlreadyExistsException))]
    [InlineData(nameof(ErrorKind.UploadNotFound), typeof(UploadNotFoundException))]
    public void Create_EachKind_IsItsSubtype_WithTheFactsAsPropertiesAndInTheMessage(string kind, Type expected)
    {
        PartUploadException error = ErrorFactory.Create(s_facts, Enum.Parse<ErrorKind>(kind));

        error.GetType().ShouldBe(expected);
        error.Status.ShouldBe(503);
        error.ErrorCode.ShouldBe("E_CODE");
        error.ErrorTitle.ShouldBe("busy");
        error.CorrelationId.ShouldBe("corr-9");
        error.Operation.ShouldBe("UploadPart");
        error.DataHandle.ShouldBe("handle-1");
        error.UploadId.ShouldBe("up-7");
        error.PartNumber.ShouldBe(42);
        error.Message.ShouldStartWith("Something failed");
        foreach (string fact in new[] { "UploadPart", "503", "E_CODE", "corr-9", "handle-1", "42" })
        {
            error.Message.ShouldContain(fact, Case.Sensitive, $"the message names {fact}");
        }
    }

    [Fact]
    public void Create_IntegrityAndSourceChanged_CarryTheOffset()
    {
        ((PartChecksumMismatchException)ErrorFactory.Create(s_facts, ErrorKind.Integrity)).Offset.ShouldBe(1234);
        ((SourceChangedException)ErrorFactory.Create(s_facts, ErrorKind.SourceChanged)).Offset.ShouldBe(1234);
    }

    [Fact]
    public void Create_KeepsTheInnerException()
    {
        var inner = new IOException("disk");

        ErrorFactory.Create(s_facts with { Inner = inner }).InnerException.ShouldBeSameAs(inner);
    }
}
