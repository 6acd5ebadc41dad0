using System.Text.Json;

namespace PartUploader.Cli.Tests;

/// <summary>Bad input exits with 2 and authentication problems with 3, all before any request reaches the service.</summary>
public sealed class BadInputTests(CliEmulatorFixture fixture) : IClassFixture<CliEmulatorFixture>
{
    public static TheoryData<string, string[]> BadUploads => new()
    {
        { "missing --layer", ["remove", "--layer"] },
        { "not an HRN", ["--catalog", "not-an-hrn", "--layer", "versioned"] },
        { "unknown digest", ["--digest", "crc64"] },
        { "part size not a size", ["--part-size", "big"] },
        { "part size below 5 MiB", ["--part-size", "1MiB"] },
        { "concurrency 0", ["--concurrency", "0"] },
        { "lookup URL not a URL", ["--lookup-url", "not a url"] },
        { "layer with a slash", ["--layer", "a/b"] },
        { "unknown option", ["--bogus"] },
        { "time limit without a unit", ["--time-limit", "90"] },
        { "time limit zero", ["--time-limit", "0s"] },
        { "time limit in days", ["--time-limit", "2d"] },
        { "time limit above 49 days", ["--time-limit", "1200h"] },
    };

    [Theory]
    [MemberData(nameof(BadUploads))]
    public async Task Upload_BadInput_ExitsTwoWithoutAnyRequest(string because, string[] change)
    {
        string path = fixture.WriteFile("bad.bin", 10);
        List<string> args = ["upload", path, .. fixture.Target(), "--handle", "bad"];
        Apply(args, change);

        CliResult result = await CliRunner.RunAsync(args);

        result.ExitCode.ShouldBe(2, because + "\n" + result);
        result.StdErr.ShouldContain("partupload: bad-input:", customMessage: because);
        fixture.Emulator.Journal.Entries.ShouldBeEmpty(because);
    }

    [Fact]
    public async Task Upload_MissingFile_ExitsTwoWithJsonFailure()
    {
        CliResult result = await CliRunner.RunAsync(["upload", Path.Combine(fixture.WorkDirectory, "absent.bin"), .. fixture.Target(), "--json"]);

        result.ExitCode.ShouldBe(2, result.ToString());
        JsonElement failed = JsonDocument.Parse(result.Lines.Single()).RootElement;
        failed.GetProperty("event").GetString().ShouldBe("failed");
        failed.GetProperty("error").GetString().ShouldBe("bad-input");
        failed.GetProperty("message").GetString()!.ShouldContain("does not exist");
        fixture.Emulator.Journal.Entries.ShouldBeEmpty();
    }

    [Fact]
    public async Task Upload_StandardInputWithoutHandle_ExitsTwo()
    {
        CliResult result = await CliRunner.RunAsync(["upload", "-", .. fixture.Target()], stdin: [1, 2, 3]);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.StdErr.ShouldContain("--handle is required");
        fixture.Emulator.Journal.Entries.ShouldBeEmpty();
    }

    [Fact]
    public async Task Upload_MissingCredentialsFile_ExitsThreeWithoutAnyRequest()
    {
        string path = fixture.WriteFile("nocreds.bin", 10);
        List<string> args = ["upload", path, .. fixture.Target(), "--handle", "nocreds"];
        string missing = Path.Combine(fixture.WorkDirectory, "missing.properties");
        Apply(args, ["--credentials", missing]);

        CliResult result = await CliRunner.RunAsync(args);

        result.ExitCode.ShouldBe(3, result.ToString());
        result.StdErr.ShouldContain($"partupload: auth: The credentials file '{missing}' was not found.");
        fixture.Emulator.Journal.Entries.ShouldBeEmpty();
    }

    [Fact]
    public async Task Status_MissingCredentialsFile_ExitsThree()
    {
        List<string> args = ["status", .. fixture.Target(), "--handle", "x"];
        Apply(args, ["--credentials", Path.Combine(fixture.WorkDirectory, "missing.properties")]);

        CliResult result = await CliRunner.RunAsync(args);

        result.ExitCode.ShouldBe(3, result.ToString());
        fixture.Emulator.Journal.Entries.ShouldBeEmpty();
    }

    [Fact]
    public async Task Help_ListsCommandsAndExitCodes()
    {
        CliResult result = await CliRunner.RunAsync(["--help"]);

        result.ExitCode.ShouldBe(0, result.ToString());
        foreach (string expected in new[] { "upload <file>", "status", "cancel", "emulator", "2 bad input", "5 cancelled", "130 a second Ctrl+C" })
        {
            result.StdOut.ShouldContain(expected);
        }
    }

    /// <summary>Sets an option (replacing its value, or appending it), or removes one: <c>["remove", "--layer"]</c>.</summary>
    private static void Apply(List<string> args, string[] change)
    {
        if (change[0] == "remove")
        {
            args.RemoveRange(args.IndexOf(change[1]), 2);
            return;
        }

        int at = args.IndexOf(change[0]);
        if (change.Length == 1)
        {
            args.Add(change[0]);
        }
        else if (at >= 0)
        {
            args[at + 1] = change[1];
        }
        else
        {
            args.AddRange(change);
        }
    }
}
