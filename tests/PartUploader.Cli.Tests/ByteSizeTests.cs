namespace PartUploader.Cli.Tests;

public sealed class ByteSizeTests
{
    [Theory]
    [InlineData("1048576", 1048576L)]
    [InlineData("5MiB", 5L * 1024 * 1024)]
    [InlineData("5 MiB", 5L * 1024 * 1024)]
    [InlineData("8m", 8L * 1024 * 1024)]
    [InlineData("16MB", 16_000_000L)]
    [InlineData("1.5GiB", 1536L * 1024 * 1024)]
    [InlineData("2g", 2L * 1024 * 1024 * 1024)]
    [InlineData("10KB", 10_000L)]
    public void TryParse_ValidSize_ReturnsBytes(string text, long expected)
    {
        ByteSize.TryParse(text, out long bytes).ShouldBeTrue();
        bytes.ShouldBe(expected);
    }

    [Theory]
    [InlineData("")]
    [InlineData("big")]
    [InlineData("-5MiB")]
    [InlineData("0")]
    [InlineData("1.5")]
    public void TryParse_Invalid_ReturnsFalse(string text) => ByteSize.TryParse(text, out _).ShouldBeFalse();
}
