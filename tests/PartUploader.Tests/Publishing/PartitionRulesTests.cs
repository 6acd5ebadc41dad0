using PartUploader.Internal.Publishing;

namespace PartUploader.Tests.Publishing;

public sealed class PartitionRulesTests
{
    private static readonly LayerSettings Generic = new("v", "versioned", "application/octet-stream", null, PartitionChecksum.None, false, [], [], false, true);

    private static LayerSettings Heretile(params long[] levels) => Generic with { Heretile = true, TileLevels = levels };

    [Theory]
    [InlineData("a")]
    [InlineData("report-2026_01.v2:x")]
    [InlineData("23618359")]
    public void Check_AllowedCharacters_Pass(string id) => PartitionRules.Check(id, Generic).ShouldBeNull();

    [Theory]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData("a/b")]
    [InlineData("é")]
    public void Check_OtherCharactersOrEmpty_AreRefused(string id) => PartitionRules.Check(id, Generic).ShouldNotBeNull();

    [Fact]
    public void Check_LengthLimit_Is500()
    {
        PartitionRules.Check(new string('a', 500), Generic).ShouldBeNull();
        PartitionRules.Check(new string('a', 501), Generic).ShouldNotBeNull();
    }

    [Theory]
    [InlineData("1", 0)] // level 0: the root tile
    [InlineData("23618359", 12)] // HERE tile at level 12 (its bit length is 25)
    [InlineData("16777216", 12)] // 2^24: the first tile of level 12
    [InlineData("67108863", 12)] // 2^26 - 1: the last tile of level 12
    [InlineData("67108864", 13)] // 2^26: the first tile of level 13
    public void Check_HeretileLevel_IsHalfTheBitLengthMinusOne(string tile, long level)
    {
        PartitionRules.Check(tile, Heretile(level)).ShouldBeNull();
        PartitionRules.Check(tile, Heretile(level + 1)).ShouldNotBeNull();
    }

    [Theory]
    [InlineData("0")]
    [InlineData("023618359")] // the same tile with a leading zero: another partition key
    [InlineData("-5")]
    [InlineData("tile12")]
    [InlineData("99999999999999999999999")]
    public void Check_HeretileLayer_NeedsAPositiveDecimalTileId(string id) => PartitionRules.Check(id, Heretile()).ShouldNotBeNull();

    [Fact]
    public void Validate_ListsEveryProblemAndDuplicate_InOneError()
    {
        PublishItem[] items =
        [
            PublishItem.FromFile("/data/a.bin", "ok"),
            PublishItem.FromFile("/data/b.bin", "bad id"),
            PublishItem.FromFile("/data/c.bin", "ok"),
        ];

        ArgumentException error = Should.Throw<ArgumentException>(() => PartitionRules.Validate(items, Generic, "items"));

        error.Message.ShouldContain("2 partition id(s)");
        error.Message.ShouldContain("'/data/b.bin' -> 'bad id'");
        error.Message.ShouldContain("'/data/a.bin' and '/data/c.bin' both map to the partition 'ok'");
    }

    [Theory]
    [InlineData("roads/main/a.bin", PartitionNaming.RelativePath, "roads:main:a.bin")]
    [InlineData("a.bin", PartitionNaming.RelativePath, "a.bin")]
    [InlineData("12/23618359.pbf", PartitionNaming.FileNameWithoutExtension, "23618359")]
    [InlineData("x.tar.gz", PartitionNaming.FileNameWithoutExtension, "x.tar")]
    public void PartitionIdOf_FollowsTheDocumentedRule(string relative, PartitionNaming naming, string expected) =>
        PublishItem.PartitionIdOf(relative, naming).ShouldBe(expected);
}
