namespace PartUploader.Cli.Tests;

/// <summary>
/// A data handle that is a dot segment would be removed by URI normalization and send the request, token
/// included, to another resource: the CLI exits 2 (bad input) before any request, the token and lookup included.
/// </summary>
public sealed class PathIdentifierTests(CliEmulatorFixture fixture) : IClassFixture<CliEmulatorFixture>
{
    public static TheoryData<string, string> Cases() => new()
    {
        { "upload", ".." },
        { "upload", "." },
        { "status", ".." },
        { "status", "." },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task DotSegmentHandle_ExitsTwoWithoutAnyRequest(string command, string handle)
    {
        List<string> args = command == "upload"
            ? ["upload", fixture.WriteFile("dots.bin", 10), .. fixture.Target(), "--handle", handle]
            : ["status", .. fixture.Target(), "--handle", handle];
        int before = fixture.Emulator.Journal.Entries.Count;

        CliResult result = await CliRunner.RunAsync(args);

        string because = $"{command} --handle {handle}\n{result}";
        result.ExitCode.ShouldBe(2, because);
        result.StdErr.ShouldContain("partupload: bad-input:", customMessage: because);
        result.StdErr.ShouldContain("--handle must not be '.' or '..'", customMessage: because);
        result.StdErr.ShouldNotContain("(Parameter", customMessage: because);
        fixture.Emulator.Journal.Entries.Skip(before).Select(e => $"{e.Method} {e.Path}").ShouldBeEmpty(because);
    }

    [Theory]
    [InlineData("upload")]
    [InlineData("status")]
    public async Task DotSegmentLayer_ExitsTwoWithoutAnyRequest(string command)
    {
        List<string> args = command == "upload"
            ? ["upload", fixture.WriteFile("dots-layer.bin", 10), .. fixture.Target(layer: ".."), "--handle", "h"]
            : ["status", .. fixture.Target(layer: ".."), "--handle", "h"];
        int before = fixture.Emulator.Journal.Entries.Count;

        CliResult result = await CliRunner.RunAsync(args);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.StdErr.ShouldContain("--layer must not be '.' or '..'", customMessage: result.ToString());
        fixture.Emulator.Journal.Entries.Skip(before).ShouldBeEmpty(result.ToString());
    }
}
