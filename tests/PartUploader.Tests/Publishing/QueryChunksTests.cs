using PartUploader.Internal.Publishing;

namespace PartUploader.Tests.Publishing;

public sealed class QueryChunksTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(100, 1)]
    [InlineData(101, 2)]
    [InlineData(250, 3)]
    public void ShortIds_GoAtMost100PerQuery(int count, int queries)
    {
        string[] ids = [.. Enumerable.Range(0, count).Select(i => "p" + i)];

        IReadOnlyList<string>[] chunks = [.. PublicationReader.Chunks(ids)];

        chunks.Length.ShouldBe(queries);
        chunks.SelectMany(c => c).ShouldBe(ids, "every id once, in order");
    }

    [Fact]
    public void LongIds_KeepEachQueryUrlShort()
    {
        string[] ids = [.. Enumerable.Range(0, 30).Select(i => i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture) + new string('x', 497))];

        IReadOnlyList<string>[] chunks = [.. PublicationReader.Chunks(ids)];

        chunks.ShouldAllBe(c => c.Sum(id => id.Length + 11) <= 6000);
        chunks.Length.ShouldBe(3, "11 ids of 500 characters per query");
        chunks.SelectMany(c => c).ShouldBe(ids);
    }
}
