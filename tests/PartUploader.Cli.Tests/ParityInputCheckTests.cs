using System.CommandLine;
using System.Reflection;

namespace PartUploader.Cli.Tests;

/// <summary>
/// Bad values and conflicts of the upload tuning options and of <c>download</c> and <c>delete</c>: exit code 2 before any
/// request, with a message that names the option (both options for a conflict). Also <c>--version</c> and the examples in help.
/// </summary>
public sealed class ParityInputCheckTests(CliEmulatorFixture fixture) : IClassFixture<CliEmulatorFixture>
{
    public static TheoryData<string, string[], string[]> BadUploads => new()
    {
        { "billing tag too short", ["--billing-tag", "ab"], ["--billing-tag"] },
        { "billing tag with punctuation", ["--billing-tag", "tag_42!"], ["--billing-tag"] },
        { "content encoding not a token", ["--content-encoding", "g zip"], ["--content-encoding"] },
        { "gzip with another content encoding", ["--gzip", "--content-encoding", "br"], ["--gzip", "--content-encoding"] },
        { "gzip with resume", ["--gzip", "--resume", "upload.journal"], ["--gzip", "--resume"] },
        { "unknown numbering", ["--numbering", "random"], ["--numbering"] },
        { "reserved numbering with resume", ["--numbering", "reserved", "--resume", "upload.journal"], ["--numbering", "--resume"] },
        { "unknown verify", ["--verify", "none"], ["--verify"] },
        { "unknown digest", ["--digests", "sha1,sha512"], ["--digests"] },
        { "empty digest list", ["--digests", ""], ["--digests"] },
        { "budget not a size", ["--budget", "lots"], ["--budget"] },
        { "budget below 5 MiB", ["--budget", "1MiB"], ["--budget"] },
        { "budget below the part size", ["--budget", "6MiB", "--part-size", "8MiB"], ["--budget", "--part-size"] },
    };

    public static TheoryData<string, string[], string[]> BadBlobCommands => new()
    {
        { "range backwards", ["download", "--handle", "h", "-o", "out.bin", "--range", "200-100"], ["--range"] },
        { "suffix range", ["download", "--handle", "h", "-o", "out.bin", "--range", "-100"], ["--range"] },
        { "range not numbers", ["download", "--handle", "h", "-o", "out.bin", "--range", "a-b"], ["--range"] },
        { "json with standard output", ["download", "--handle", "h", "-o", "-", "--json"], ["--output", "--json"] },
        { "output in a missing directory", ["download", "--handle", "h", "-o", "no-such-dir/out.bin"], ["--output"] },
        { "download billing tag", ["download", "--handle", "h", "-o", "out.bin", "--billing-tag", "x"], ["--billing-tag"] },
        { "delete billing tag", ["delete", "--handle", "h", "--billing-tag", "toolongbillingtag17"], ["--billing-tag"] },
        { "delete without handle", ["delete"], ["--handle"] },
    };

    [Theory]
    [MemberData(nameof(BadUploads))]
    public async Task Upload_BadTuningValue_ExitsTwoNamingTheOptionsWithoutAnyRequest(string because, string[] extra, string[] named)
    {
        string path = fixture.WriteFile("tuning.bin", 10);

        CliResult result = await CliRunner.RunAsync(["upload", path, .. fixture.Target(), "--handle", "tuning", .. Resolve(extra)]);

        result.ExitCode.ShouldBe(2, because + "\n" + result);
        string message = result.StdErr.Split('\n')[0];
        message.ShouldStartWith("partupload: bad-input:", customMessage: because);
        foreach (string option in named)
        {
            message.ShouldContain(option, customMessage: because);
        }

        fixture.Emulator.Journal.Entries.ShouldBeEmpty(because);
    }

    [Theory]
    [MemberData(nameof(BadBlobCommands))]
    public async Task BlobCommand_BadValue_ExitsTwoNamingTheOptionsWithoutAnyRequest(string because, string[] args, string[] named)
    {
        CliResult result = await CliRunner.RunAsync([args[0], .. fixture.Target(), .. Resolve(args[1..])]);

        result.ExitCode.ShouldBe(2, because + "\n" + result);
        result.StdErr.ShouldContain("partupload: bad-input:", customMessage: because);
        foreach (string option in named)
        {
            result.StdErr.ShouldContain(option, customMessage: because);
        }

        fixture.Emulator.Journal.Entries.ShouldBeEmpty(because);
    }

    [Fact]
    public async Task Upload_DigestsWhenResumeContinuesAnInterruptedUpload_ExitsTwoNamingBoth()
    {
        string path = fixture.WriteFile("resumed.bin", 10);
        string journal = Path.Combine(fixture.WorkDirectory, "interrupted.journal");
        await File.WriteAllTextAsync(journal, "{}");

        CliResult result = await CliRunner.RunAsync(["upload", path, .. fixture.Target(), "--handle", "resumed", "--resume", journal, "--digests", "sha1"]);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.StdErr.ShouldContain("--digests cannot be computed when --resume continues an interrupted upload");
        fixture.Emulator.Journal.Entries.ShouldBeEmpty();
    }

    [Fact]
    public async Task Upload_GzipForADirectory_ExitsTwo()
    {
        string directory = Directory.CreateDirectory(Path.Combine(fixture.WorkDirectory, "gzip-dir")).FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "a.txt"), "a");

        CliResult result = await CliRunner.RunAsync(["upload", directory, .. fixture.Target(), "--gzip"]);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.StdErr.ShouldContain("--gzip is for a single file or standard input");
        fixture.Emulator.Journal.Entries.ShouldBeEmpty();
    }

    [Fact]
    public async Task Version_PrintsTheInformationalVersion()
    {
        string expected = typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;

        CliResult result = await CliRunner.RunAsync(["--version"]);

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StdOut.Trim().ShouldBe(expected);
        expected.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public void Help_EveryCommandHasAnExampleOfItself()
    {
        foreach ((Command command, string path) in Walk(CliApp.BuildRoot(), "partupload"))
        {
            string description = command.Description ?? string.Empty;
            description.ShouldContain("Examples:", customMessage: path);
            description.ShouldContain("\n  " + path, customMessage: $"an example of '{path}' itself");
        }
    }

    [Fact]
    public async Task Help_DownloadShowsItsExamples()
    {
        CliResult result = await CliRunner.RunAsync(["download", "--help"]);

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StdOut.ShouldContain("Examples:");
        result.StdOut.ShouldContain("partupload download --handle");
        result.StdOut.ShouldContain("--range");
    }

    private static IEnumerable<(Command Command, string Path)> Walk(Command command, string path)
    {
        yield return (command, path);
        foreach (Command sub in command.Subcommands)
        {
            foreach ((Command, string) inner in Walk(sub, path + " " + sub.Name))
            {
                yield return inner;
            }
        }
    }

    /// <summary>Relative file arguments (journals, outputs) are placed in the fixture's work directory.</summary>
    private string[] Resolve(string[] args) =>
        [.. args.Select((a, i) => i > 0 && args[i - 1] is "--resume" or "-o" && a != "-" ? Path.Combine(fixture.WorkDirectory, a) : a)];
}
