namespace PartUploader.Emulator.Tests;

/// <summary>The credentials file holds the access key secret: only its owner may read it (mode 0600 on Unix).</summary>
public sealed class CredentialsFileTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>, IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly string _directory = Directory.CreateTempSubdirectory("partuploader-emulator-creds-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void WriteCredentialsFile_NewFile_IsOwnerReadWriteOnly()
    {
        string path = fixture.Emulator.WriteCredentialsFile(Path.Combine(_directory, "new", "credentials.properties"));

        File.ReadAllText(path).ShouldContain($"here.access.key.secret = {fixture.Emulator.Credentials.AccessKeySecret}\n");
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(path).ShouldBe(OwnerOnly);
        }
    }

    [Fact]
    public void WriteCredentialsFile_ExistingWorldReadableFile_IsReplacedAndRestricted()
    {
        string path = Path.Combine(_directory, "credentials.properties");
        File.WriteAllText(path, "old content\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        fixture.Emulator.WriteCredentialsFile(path);

        string text = File.ReadAllText(path);
        text.ShouldNotContain("old content");
        text.ShouldContain($"here.access.key.id = {fixture.Emulator.Credentials.AccessKeyId}\n");
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(path).ShouldBe(OwnerOnly);
        }

        Directory.GetFiles(_directory).ShouldBe([path], "no temporary file is left beside it");
    }

    [Fact]
    public void WriteCredentialsFile_RelativePath_ReturnsTheFullPathWritten()
    {
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, Path.Combine(_directory, "rel.properties"));

        string written = fixture.Emulator.WriteCredentialsFile(relative);

        written.ShouldBe(Path.Combine(_directory, "rel.properties"));
        File.Exists(written).ShouldBeTrue();
    }
}
