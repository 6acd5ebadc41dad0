namespace PartUploader.Tests.Batches;

/// <summary>A directory as batch items: globs, the handle rule, links, and every problem reported before any request.</summary>
public sealed class DirectoryItemsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("partuploader-dir-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData(null, "tiles/12/a b.bin", "tiles.12.a-b.bin")]
    [InlineData("r7.", "tiles/12/a b.bin", "r7.tiles.12.a-b.bin")]
    [InlineData("r7-", "ünï/x_y.bin", "r7--n-.x-y.bin")]
    public void FromRelativePath_DocumentedRule(string? prefix, string relative, string expected) =>
        DirectoryItems.FromRelativePath(prefix, relative).ShouldBe(expected);

    [Fact]
    public void FromDirectory_NestedFiles_OrderedByRelativePathWithHandlesFromIt()
    {
        Write("b.bin", "sub/a.bin", "sub/deeper/c.bin");

        IReadOnlyList<BatchUploadItem> items = BatchUploadItem.FromDirectory(_root, new DirectoryUploadOptions { HandlePrefix = "v1." });

        items.Select(i => i.DataHandle).ShouldBe(["v1.b.bin", "v1.sub.a.bin", "v1.sub.deeper.c.bin"]);
        items[1].Source.ShouldBe(Path.Combine(_root, "sub", "a.bin"));
    }

    [Fact]
    public void FromDirectory_IncludeAndExcludeGlobs_SelectFiles()
    {
        Write("a.tif", "x/b.tif", "x/y/c.tif", "x/y/c.tmp", "x/skip/d.tif");
        var options = new DirectoryUploadOptions { Include = { "**/*.tif" }, Exclude = { "x/skip/**" } };

        IReadOnlyList<BatchUploadItem> items = BatchUploadItem.FromDirectory(_root, options);

        items.Select(i => i.DataHandle).ShouldBe(["a.tif", "x.b.tif", "x.y.c.tif"]);
    }

    [Fact]
    public void FromDirectory_TwoFilesOneHandle_RefusedNamingBoth()
    {
        Write("a b.bin", "a-b.bin");

        var ex = Should.Throw<ArgumentException>(() => BatchUploadItem.FromDirectory(_root));

        ex.Message.ShouldContain("'a b.bin'");
        ex.Message.ShouldContain("'a-b.bin'");
        ex.Message.ShouldContain("'a-b.bin'");
    }

    [Fact]
    public void FromDirectory_HandleTooLong_RefusedNamingTheFile()
    {
        Write("long-name.bin");

        var ex = Should.Throw<ArgumentException>(() => BatchUploadItem.FromDirectory(_root, new DirectoryUploadOptions { MaxDataHandleLength = 5 }));

        ex.Message.ShouldContain("'long-name.bin'");
        ex.Message.ShouldNotContain("(Parameter 'handle')");
    }

    [Fact]
    public void FromDirectory_Empty_Refused()
    {
        Directory.CreateDirectory(Path.Combine(_root, "empty-sub"));

        Should.Throw<ArgumentException>(() => BatchUploadItem.FromDirectory(_root)).Message.ShouldContain("no file to upload");
    }

    [Fact]
    public void FromDirectory_Missing_ThrowsDirectoryNotFound() =>
        Should.Throw<DirectoryNotFoundException>(() => BatchUploadItem.FromDirectory(Path.Combine(_root, "absent")));

    [Fact]
    public void FromDirectory_Uuid_NewLowercaseUuidPerFile()
    {
        Write("a.bin", "b.bin");

        IReadOnlyList<BatchUploadItem> items = BatchUploadItem.FromDirectory(_root, new DirectoryUploadOptions { HandleNaming = DataHandleNaming.Uuid, HandlePrefix = "ignored." });

        foreach (string handle in items.Select(i => i.DataHandle))
        {
            Guid.TryParseExact(handle, "D", out Guid _).ShouldBeTrue(handle);
            handle.ShouldBe(handle.ToLowerInvariant());
        }

        items[0].DataHandle.ShouldNotBe(items[1].DataHandle);
    }

    [Fact]
    public void FromDirectory_LinkToDirectory_NotFollowedLinkToFile_Taken()
    {
        Write("real/a.bin");
        Directory.CreateSymbolicLink(Path.Combine(_root, "loop"), _root);
        File.CreateSymbolicLink(Path.Combine(_root, "alias.bin"), Path.Combine(_root, "real", "a.bin"));

        IReadOnlyList<BatchUploadItem> items = BatchUploadItem.FromDirectory(_root);

        items.Select(i => i.DataHandle).ShouldBe(["alias.bin", "real.a.bin"]);
    }

    private void Write(params string[] relatives)
    {
        foreach (string relative in relatives)
        {
            string path = Path.Combine(_root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, [1, 2, 3]);
        }
    }
}
