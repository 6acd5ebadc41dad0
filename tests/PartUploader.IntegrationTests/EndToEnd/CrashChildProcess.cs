using System.Diagnostics;

namespace PartUploader.IntegrationTests.EndToEnd;

/// <summary>Runs PartUploader.CrashChild and kills it (no cleanup, as a crash) when it prints a given line or "DONE".</summary>
internal static class CrashChildProcess
{
    /// <returns>The child's exit code.</returns>
    public static async Task<int> RunUntilAsync(IEnumerable<string> args, string killLine)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "PartUploader.CrashChild.dll"));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = new Process { StartInfo = start };
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data == killLine || e.Data == "DONE")
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                }

                killed.TrySetResult();
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        string stderr = await process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        killed.Task.IsCompleted.ShouldBeTrue($"the child ended before '{killLine}': {stderr}");
        return process.ExitCode;
    }
}
