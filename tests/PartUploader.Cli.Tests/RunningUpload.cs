using System.Diagnostics;
using System.Text.Json;

namespace PartUploader.Cli.Tests;

/// <summary>A <c>partupload upload --json</c> process, started and read until it is sending parts.</summary>
internal sealed class RunningUpload : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;

    private RunningUpload(Process process)
    {
        _process = process;
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public int Pid => _process.Id;

    public static async Task<RunningUpload> StartAsync(string[] args)
    {
        var upload = new RunningUpload(CliRunner.Start(args));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await upload._process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            // The first progress event with bytes sent: the multipart upload is started and a part is on its way.
            JsonElement e = JsonDocument.Parse(line).RootElement;
            if (e.GetProperty("event").GetString() == "progress" && e.GetProperty("bytesSent").GetInt64() > 0)
            {
                return upload;
            }
        }

        throw new InvalidOperationException("the upload ended before sending: " + await upload._stderr);
    }

    /// <summary>Waits for the process to exit; returns its exit code and its last JSON event.</summary>
    public async Task<(int ExitCode, JsonElement Last)> EndAsync()
    {
        string rest = await _process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await _process.WaitForExitAsync(timeout.Token);
        string[] lines = rest.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.ShouldNotBeEmpty(await _stderr);
        return (_process.ExitCode, JsonDocument.Parse(lines[^1]).RootElement.Clone());
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.Dispose();
    }
}
