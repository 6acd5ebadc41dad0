namespace PartUploader.Cli.Tests;

/// <summary>A credentials file that is missing, a directory or unreadable is an authentication failure (exit 3) that names the full path.</summary>
public sealed class CredentialsFileTests(CliEmulatorFixture fixture) : IClassFixture<CliEmulatorFixture>
{
    [Theory]
    [InlineData("upload")]
    [InlineData("status")]
    public async Task CredentialsPathIsADirectory_ExitsThreeNamingThePath(string command)
    {
        string directory = Path.Combine(fixture.WorkDirectory, "credentials-dir-" + command);
        Directory.CreateDirectory(directory);
        List<string> args = command == "upload"
            ? ["upload", fixture.WriteFile("creds-dir.bin", 10), .. fixture.Target(), "--handle", "creds-dir"]
            : ["status", .. fixture.Target(), "--handle", "creds-dir"];
        args[args.IndexOf("--credentials") + 1] = directory;
        int before = fixture.Emulator.Journal.Entries.Count;

        CliResult result = await CliRunner.RunAsync(args);

        result.ExitCode.ShouldBe(3, result.ToString());
        result.StdErr.ShouldContain($"partupload: auth: The credentials file '{directory}' is a directory, not a file.", customMessage: result.ToString());
        fixture.Emulator.Journal.Entries.Count.ShouldBe(before);
    }

    [Fact]
    public async Task CredentialsFileMissing_MessageNamesTheFullPath()
    {
        string missing = Path.Combine(fixture.WorkDirectory, "nowhere", "credentials.properties");
        List<string> args = ["status", .. fixture.Target(), "--handle", "x"];
        args[args.IndexOf("--credentials") + 1] = missing;

        CliResult result = await CliRunner.RunAsync(args);

        result.ExitCode.ShouldBe(3, result.ToString());
        result.StdErr.ShouldContain($"The credentials file '{missing}' was not found.", customMessage: result.ToString());
    }
}
