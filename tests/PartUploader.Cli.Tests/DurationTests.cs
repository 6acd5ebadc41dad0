namespace PartUploader.Cli.Tests;

public sealed class DurationTests
{
    [Theory]
    [InlineData("90s", 90_000L)]
    [InlineData("10m", 600_000L)]
    [InlineData("2h", 7_200_000L)]
    [InlineData("500ms", 500L)]
    [InlineData("1.5m", 90_000L)]
    [InlineData("0.25s", 250L)]
    public void TryParse_NumberAndUnit_ReturnsTheDuration(string text, long milliseconds)
    {
        Duration.TryParse(text, out TimeSpan duration).ShouldBeTrue();
        duration.ShouldBe(TimeSpan.FromMilliseconds(milliseconds));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("90")]
    [InlineData("s")]
    [InlineData("0s")]
    [InlineData("-5s")]
    [InlineData("+5s")]
    [InlineData("5 s")]
    [InlineData(" 5s")]
    [InlineData("5s ")]
    [InlineData("5S")]
    [InlineData("5M")]
    [InlineData("5d")]
    [InlineData("1h30m")]
    [InlineData(".5s")]
    [InlineData("5.s")]
    [InlineData("1e3s")]
    [InlineData("1,5s")]
    [InlineData("5sec")]
    [InlineData("0.00001ms")]
    [InlineData("99999999999999999h")]
    public void TryParse_Malformed_ReturnsFalse(string? text) => Duration.TryParse(text, out _).ShouldBeFalse();
}
