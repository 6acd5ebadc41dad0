using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace PartUploader.Cli.Tests;

/// <summary>The outcome of one CLI process.</summary>
public sealed record CliResult(int ExitCode, string StdOut, string StdErr)
{
    public string[] Lines => StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{StdOut}\n--- stderr\n{StdErr}";
}

/// <summary>Starts <c>dotnet partupload.dll ...</c> as a separate process, as a user or a pipeline would.</summary>
public static class CliRunner
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(90);

    public static string CliPath { get; } = typeof(CliRunner).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "PartUploaderCliPath").Value!;

    /// <summary>Where the CLI processes of this test run keep their control sockets (never the user's own directory).</summary>
    public static string RuntimeDirectory { get; } = Directory.CreateTempSubdirectory("partuploader-cli-run-").FullName;

    public static Process Start(IEnumerable<string> args, bool redirectInput = false)
    {
        File.Exists(CliPath).ShouldBeTrue($"the CLI is built at {CliPath}");
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(CliPath);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["NO_COLOR"] = "1";
        info.Environment["PARTUPLOAD_RUNTIME_DIR"] = RuntimeDirectory;
        return Process.Start(info)!;
    }

    public static async Task<CliResult> RunAsync(IEnumerable<string> args, byte[]? stdin = null, TimeSpan? timeout = null)
    {
        using Process process = Start(args, redirectInput: stdin is not null);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.BaseStream.WriteAsync(stdin);
            process.StandardInput.Close();
        }

        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"partupload {string.Join(' ', args)} did not exit in time.\n{await stdout}\n{await stderr}");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs the CLI and keeps its standard output as bytes (for commands that write binary data there); standard error as text.</summary>
    public static async Task<(int ExitCode, byte[] StdOut, string StdErr)> RunBinaryAsync(IEnumerable<string> args, TimeSpan? timeout = null)
    {
        using Process process = Start(args);
        using var stdout = new MemoryStream();
        Task copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"partupload {string.Join(' ', args)} did not exit in time.\n{await stderr}");
        }

        await copy;
        return (process.ExitCode, stdout.ToArray(), await stderr);
    }

    /// <summary>The command line that runs the CLI (the dotnet host and the CLI's path), for shells.</summary>
    public static string CommandLine => $"'{DotnetHost()}' '{CliPath}'";

    /// <summary>The dotnet host running this test process, else <c>dotnet</c> from PATH.</summary>
    internal static string DotnetHost()
    {
        string? current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }
}
