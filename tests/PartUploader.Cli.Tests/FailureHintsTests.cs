using PartUploader.Emulator;

namespace PartUploader.Cli.Tests;

/// <summary>A service failure's message ends with what to do next (the README's troubleshooting table).</summary>
public sealed class FailureHintsTests(CliEmulatorFixture fixture) : IClassFixture<CliEmulatorFixture>
{
    [Fact]
    public async Task Upload_HandleAlreadyUsed_SaysToChooseANewHandle()
    {
        string handle = CliEmulatorFixture.NewHandle("hint-409");
        string path = fixture.WriteFile(handle + ".bin", 1000);
        (await CliRunner.RunAsync(["upload", path, .. fixture.Target(), "--handle", handle])).ExitCode.ShouldBe(0);

        CliResult again = await CliRunner.RunAsync(["upload", path, .. fixture.Target(), "--handle", handle]);

        again.ExitCode.ShouldNotBe(0, again.ToString());
        again.StdErr.ShouldContain("Next: data handles are single-use in a layer; choose a new --handle");
    }

    [Fact]
    public async Task Upload_Forbidden_SaysToGrantAccess()
    {
        string handle = CliEmulatorFixture.NewHandle("hint-403");
        string path = fixture.WriteFile(handle + ".bin", 1000);
        FaultRule refuse = fixture.Emulator.Faults.Add(FaultRule.Status(403) with { DataHandle = handle, Times = FaultRule.Unlimited });
        try
        {
            CliResult result = await CliRunner.RunAsync(["upload", path, .. fixture.Target(), "--handle", handle]);

            result.ExitCode.ShouldBe(3, result.ToString());
            result.StdErr.ShouldContain("Next: grant the credentials' app access to the catalog and layer");
        }
        finally
        {
            fixture.Emulator.Faults.Remove(refuse);
        }
    }

    [Theory]
    [InlineData(401, null, "check the credentials")]
    [InlineData(404, null, "check --catalog and --layer")]
    [InlineData(0, PartUploadErrorCodes.NetworkError, "check the network")]
    [InlineData(400, PartUploadErrorCodes.SourceChanged, "wait until nothing writes to the source")]
    public void For_EachRowOfTheTroubleshootingTable_SaysWhatToDo(int status, string? code, string expected)
    {
        var error = new PartUploadException("x") { Status = status, ErrorCode = code };

        CliHints.For(error).ShouldNotBeNull().ShouldContain(expected);
    }

    [Fact]
    public void For_EveryHint_NamesOnlyOptionsTheCliHas()
    {
        // A hint that names an option no command takes sends the user nowhere (one named --emulator did).
        var options = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<System.CommandLine.Command>([CliApp.BuildRoot()]);
        while (pending.TryPop(out System.CommandLine.Command? command))
        {
            foreach (System.CommandLine.Option option in command.Options)
            {
                options.Add(option.Name);
                options.UnionWith(option.Aliases);
            }

            foreach (System.CommandLine.Command sub in command.Subcommands)
            {
                pending.Push(sub);
            }
        }

        PartUploadException[] failures =
        [
            new("x") { Status = 0, ErrorCode = PartUploadErrorCodes.NetworkError },
            new("x", new HttpRequestException("x", new System.Security.Authentication.AuthenticationException("x"))) { Status = 0, ErrorCode = PartUploadErrorCodes.NetworkError },
            new("x") { Status = 401 },
            new("x") { Status = 403 },
            new("x") { Status = 404 },
            new("x") { Status = 409 },
            new("x") { Status = 400, ErrorCode = PartUploadErrorCodes.SourceChanged },
        ];
        foreach (PartUploadException failure in failures)
        {
            string hint = CliHints.For(failure).ShouldNotBeNull();
            foreach (System.Text.RegularExpressions.Match named in System.Text.RegularExpressions.Regex.Matches(hint, "--[a-z][a-z-]*"))
            {
                options.ShouldContain(named.Value, customMessage: hint);
            }
        }
    }

    [Fact]
    public void For_AnUnlistedFailure_AddsNothing()
    {
        CliHints.For(new PartUploadException("x") { Status = 500 }).ShouldBeNull();
    }
}
