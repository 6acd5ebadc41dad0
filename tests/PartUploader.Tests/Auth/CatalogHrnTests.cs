namespace PartUploader.Tests.Auth;

public class CatalogHrnTests
{
    [Theory]
    [InlineData("hrn:here:data::myorg:my-catalog", "here", "", "myorg", "my-catalog")]
    [InlineData("hrn:here-cn:data:cn-north-1:org2:cat_2", "here-cn", "cn-north-1", "org2", "cat_2")]
    [InlineData("hrn:here-dev:data::olp-here-test:sample.catalog", "here-dev", "", "olp-here-test", "sample.catalog")]
    public void Parse_ValidHrn_ExposesSegmentsAndRoundTrips(string text, string partition, string region, string account, string catalog)
    {
        CatalogHrn hrn = CatalogHrn.Parse(text);

        hrn.Partition.ShouldBe(partition);
        hrn.Region.ShouldBe(region);
        hrn.Account.ShouldBe(account);
        hrn.Catalog.ShouldBe(catalog);
        hrn.ToString().ShouldBe(text);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("here:data::myorg:my-catalog", "segments")]
    [InlineData("urn:here:data::myorg:my-catalog", "'hrn:'")]
    [InlineData("hrn::data::myorg:my-catalog", "partition")]
    [InlineData("hrn:here:pipeline::myorg:my-catalog", "service")]
    [InlineData("hrn:here:data:::my-catalog", "account")]
    [InlineData("hrn:here:data::myorg:", "catalog")]
    [InlineData("hrn:here:data::myorg:my-catalog:layer", "segments")]
    [InlineData("hrn:here:data::myorg:my catalog", "white-space")]
    [InlineData("hrn:here:data::myorg:cat/../x", "'/'")]
    [InlineData("hrn:here:data::myorg:cat?x=1", "'?'")]
    public void Parse_InvalidHrn_ThrowsFormatExceptionSayingWhatIsWrong(string text, string reason)
    {
        var ex = Should.Throw<FormatException>(() => CatalogHrn.Parse(text));

        ex.Message.ShouldContain(reason);
        ex.Message.ShouldContain("hrn:{partition}:data:{region}:{account}:{catalog}");
    }

    [Fact]
    public void Parse_Null_ThrowsArgumentNullException()
        => Should.Throw<ArgumentNullException>(() => CatalogHrn.Parse(null!));

    [Theory]
    [InlineData(null)]
    [InlineData("hrn:here:data")]
    [InlineData("hrn:here:data::myorg:")]
    public void TryParse_InvalidHrn_ReturnsFalse(string? text)
    {
        CatalogHrn.TryParse(text, out CatalogHrn? hrn).ShouldBeFalse();
        hrn.ShouldBeNull();
    }

    [Fact]
    public void TryParse_ValidHrn_ReturnsTrue()
    {
        CatalogHrn.TryParse("hrn:here:data::myorg:my-catalog", out CatalogHrn? hrn).ShouldBeTrue();
        hrn!.Catalog.ShouldBe("my-catalog");
    }

    [Fact]
    public void Equals_SameText_AreEqualWithSameHash()
    {
        CatalogHrn a = CatalogHrn.Parse("hrn:here:data::myorg:my-catalog");
        CatalogHrn b = CatalogHrn.Parse("hrn:here:data::myorg:my-catalog");

        (a == b).ShouldBeTrue();
        a.GetHashCode().ShouldBe(b.GetHashCode());
        (a != CatalogHrn.Parse("hrn:here:data::myorg:other")).ShouldBeTrue();
    }
}
