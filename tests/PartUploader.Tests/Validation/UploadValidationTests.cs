using PartUploader.Internal.Validation;

namespace PartUploader.Tests.Validation;

public class UploadValidationTests
{
    private static PartUploadOptions Options(string layer = "my-layer", string handle = "handle-1.bin", string contentType = "application/x-protobuf", string? encoding = null) =>
        new() { LayerId = layer, DataHandle = handle, ContentType = contentType, ContentEncoding = encoding };

    [Fact]
    public void Validate_GoodOptions_DoesNotThrow()
    {
        Should.NotThrow(() => UploadValidation.Validate(Options(encoding: "gzip"), 600));
    }

    [Theory]
    [InlineData("a_b", 1)]
    [InlineData("a/b", 1)]
    [InlineData("abc def", 3)]
    [InlineData("ü", 0)]
    [InlineData("ok?x", 2)]
    public void ValidateDataHandle_BadCharacter_ThrowsNamingPosition(string handle, int position)
    {
        var ex = Should.Throw<ArgumentException>(() => UploadValidation.ValidateDataHandle(handle, 600, "dataHandle"));

        ex.Message.ShouldContain($"position {position}");
        ex.ParamName.ShouldBe("dataHandle");
    }

    [Fact]
    public void ValidateDataHandle_AllAllowedCharacters_DoesNotThrow()
    {
        Should.NotThrow(() => UploadValidation.ValidateDataHandle("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.-", 600, "h"));
    }

    [Fact]
    public void ValidateDataHandle_Exactly600_DoesNotThrow()
    {
        Should.NotThrow(() => UploadValidation.ValidateDataHandle(new string('a', 600), 600, "h"));
    }

    [Fact]
    public void ValidateDataHandle_601WithMax600_ThrowsNamingLengths()
    {
        var ex = Should.Throw<ArgumentException>(() => UploadValidation.ValidateDataHandle(new string('a', 601), 600, "h"));

        ex.Message.ShouldContain("601");
        ex.Message.ShouldContain("600");
    }

    [Fact]
    public void Validate_1000CharactersWithMax1024_DoesNotThrow()
    {
        Should.NotThrow(() => UploadValidation.Validate(Options(handle: new string('a', 1000)), 1024));
    }

    [Fact]
    public void Validate_1000CharactersWithMax600_Throws()
    {
        Should.Throw<ArgumentException>(() => UploadValidation.Validate(Options(handle: new string('a', 1000)), 600)).Message.ShouldContain("DataHandle");
    }

    [Fact]
    public void ValidateDataHandle_Empty_Throws()
    {
        Should.Throw<ArgumentException>(() => UploadValidation.ValidateDataHandle(string.Empty, 600, "h")).Message.ShouldContain("DataHandle must not be empty");
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("a/b")]
    [InlineData("a b")]
    [InlineData("a?b")]
    [InlineData("a#b")]
    public void Validate_BadLayerId_ThrowsNamingLayerId(string layer)
    {
        Should.Throw<ArgumentException>(() => UploadValidation.Validate(Options(layer: layer), 600)).Message.ShouldContain("LayerId");
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("")]
    public void ValidateLayerId_Bad_ThrowsWithParamName(string layer)
    {
        Should.Throw<ArgumentException>(() => UploadValidation.ValidateLayerId(layer, "layerId")).ParamName.ShouldBe("layerId");
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a type")]
    [InlineData("text/")]
    public void Validate_BadContentType_ThrowsNamingContentType(string contentType)
    {
        Should.Throw<ArgumentException>(() => UploadValidation.Validate(Options(contentType: contentType), 600)).Message.ShouldContain("ContentType");
    }

    [Theory]
    [InlineData("")]
    [InlineData("gz ip")]
    [InlineData("gzip;x")]
    public void Validate_BadContentEncoding_ThrowsNamingContentEncoding(string encoding)
    {
        Should.Throw<ArgumentException>(() => UploadValidation.Validate(Options(encoding: encoding), 600)).Message.ShouldContain("ContentEncoding");
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("...")]
    [InlineData("....")]
    public void ValidateDataHandle_DotsOnly_ThrowsNamingDataHandle(string handle)
    {
        var ex = Should.Throw<ArgumentException>(() => UploadValidation.ValidateDataHandle(handle, 600, "dataHandle"));

        ex.Message.ShouldStartWith("DataHandle must not be '.' or '..' (nor consist of dots only): the service would read it as a path segment.");
        ex.ParamName.ShouldBe("dataHandle");
    }

    [Theory]
    [InlineData(".a")]
    [InlineData("a..b")]
    [InlineData("..a")]
    [InlineData("a.")]
    [InlineData("-")]
    public void ValidateDataHandle_DotsWithOtherCharacters_DoesNotThrow(string handle)
    {
        Should.NotThrow(() => UploadValidation.ValidateDataHandle(handle, 600, "dataHandle"));
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("...")]
    public void ValidateLayerId_DotsOnly_ThrowsNamingLayerId(string layer)
    {
        var ex = Should.Throw<ArgumentException>(() => UploadValidation.ValidateLayerId(layer, "layerId"));

        ex.Message.ShouldStartWith("LayerId must not be '.' or '..' (nor consist of dots only): the service would read it as a path segment.");
        ex.ParamName.ShouldBe("layerId");
        Should.Throw<ArgumentException>(() => UploadValidation.Validate(Options(layer: layer), 600)).ParamName.ShouldBe("options");
    }

    [Theory]
    [InlineData("a%2Fb", 1)]
    [InlineData("%2e%2e", 0)]
    [InlineData("a\\b", 1)]
    [InlineData("a;b", 1)]
    [InlineData("a:b", 1)]
    [InlineData("la\u00ffer", 2)]
    [InlineData("a\tb", 1)]
    public void ValidateLayerId_CharacterThatCouldChangeThePath_ThrowsNamingPosition(string layer, int position)
    {
        var ex = Should.Throw<ArgumentException>(() => UploadValidation.ValidateLayerId(layer, "layerId"));

        ex.Message.ShouldContain($"LayerId has a character that is not allowed at position {position}");
    }

    [Theory]
    [InlineData("versioned")]
    [InlineData("my-layer_2.v1~x")]
    [InlineData("..a")]
    [InlineData("UPPER")]
    public void ValidateLayerId_UnreservedCharacters_DoesNotThrow(string layer)
    {
        Should.NotThrow(() => UploadValidation.ValidateLayerId(layer, "layerId"));
    }

    [Theory]
    [InlineData("", false)]
    [InlineData(".", true)]
    [InlineData("..", true)]
    [InlineData("...", true)]
    [InlineData(".a.", false)]
    public void IsDotsOnly_OnlyForNonEmptyRunsOfDots(string segment, bool expected)
    {
        UploadValidation.IsDotsOnly(segment).ShouldBe(expected);
    }
}
