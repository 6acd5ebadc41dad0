namespace PartUploader.Tests;

public class SmokeTests
{
    [Fact]
    public void Placeholder_Builds() => (1 + 1).ShouldBe(2);
}
