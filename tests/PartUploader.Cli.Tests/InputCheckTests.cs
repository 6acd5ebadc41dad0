using System.Diagnostics;

namespace PartUploader.Cli.Tests;

/// <summary>
/// Sources and options the CLI refuses before any request (exit 2, in its own words), and the messages it gives:
/// option names rather than SDK property or .NET type names.
/// </summary>
public sealed class InputCheckTests(CliEmulatorFixture fixture) : IClassFixture<CliEmulatorFixture>
{
    [Fact]
    public async Task Upload_DirectoryWithOneHandle_SaysADirectoryTakesAPrefix()
    {
        CliResult result = await CliRunner.RunAsync(["upload", fixture.WorkDirectory, .. fixture.Target(), "--handle", "dir"]);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.StdErr.ShouldContain("for a directory use --handle-prefix");
        fixture.Emulator.Journal.Entries.ShouldBeEmpty();
    }

    [Fact]
    public async Task Upload_ResumeJournalInMissingDirectory_ExitsTwoBeforeAnyUploadRequest()
    {
        string path = fixture.WriteFile("journal-dir.bin", 6 * 1024 * 1024);
        string journal = Path.Combine(fixture.WorkDirectory, "no-such-dir", "upload.journal");

        CliResult result = await CliRunner.RunAsync(["upload", path, .. fixture.Target(), "--handle", "journal-dir", "--resume", journal]);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.StdErr.ShouldContain("does not exist");
        result.StdErr.ShouldContain("--resume");
        fixture.Emulator.Journal.Entries.ShouldNotContain(e => e.Operation == Emulator.EmulatorOperation.StartMultipart || e.Operation == Emulator.EmulatorOperation.PutBlob);
    }

    [Fact]
    public async Task Upload_EmptyHandle_SaysTheHandleMustNotBeEmpty()
    {
        string path = fixture.WriteFile("empty-handle.bin", 10);

        CliResult result = await CliRunner.RunAsync(["upload", path, .. fixture.Target(), "--handle", ""]);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.StdErr.ShouldContain("--handle must not be empty");
        fixture.Emulator.Journal.Entries.ShouldBeEmpty();
    }

    [Fact]
    public async Task Upload_StandardInputClosed_ExitsTwoInsteadOfWaiting()
    {
        // A shell runs the CLI with descriptor 0 closed ('<&-'); the runtime then reuses 0 for a pipe of its own.
        var info = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add($"exec {CliRunner.CommandLine} upload - --handle closed-stdin {string.Join(' ', fixture.Target().Select(a => $"'{a}'"))} <&-");
        info.Environment["PARTUPLOAD_RUNTIME_DIR"] = CliRunner.RuntimeDirectory;
        using Process process = Process.Start(info)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        await process.WaitForExitAsync(timeout.Token);

        process.ExitCode.ShouldBe(2, await stderr);
        (await stderr).ShouldContain("Standard input is closed");
        fixture.Emulator.Journal.Entries.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(new[] { "--concurrency", "abc" }, "--concurrency expects a whole number")]
    [InlineData(new[] { "--content-type", "not a type" }, "--content-type must be a valid media type")]
    [InlineData(new[] { "--handle", "a b" }, "--handle has a character that is not allowed")]
    public async Task Upload_BadValue_MessageNamesTheOptionAndNoInternalNames(string[] change, string expected)
    {
        string path = fixture.WriteFile("words.bin", 10);
        List<string> args = ["upload", path, .. fixture.Target(), "--handle", "words"];
        int at = args.IndexOf(change[0]);
        if (at >= 0)
        {
            args.RemoveRange(at, 2);
        }

        args.AddRange(change);

        CliResult result = await CliRunner.RunAsync(args);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.StdErr.ShouldContain(expected);
        foreach (string leak in (string[])["(Parameter", "System.", "Actual value", "DataHandle", "ContentType", "Exception"])
        {
            result.StdErr.ShouldNotContain(leak);
        }

        fixture.Emulator.Journal.Entries.ShouldBeEmpty();
    }

    [Fact]
    public void UnreadableSource_MapsToBadInputNamingThePath()
    {
        // Root reads any file, so the unreadable case is checked at the mapping (CI runs as root).
        CliFailure failure = CliFailure.From(new UnauthorizedAccessException("Access to the path '/data/secret.bin' is denied."), cancellationRequested: false);

        failure.ExitCode.ShouldBe(2);
        failure.Message.ShouldContain("/data/secret.bin");
    }
}
