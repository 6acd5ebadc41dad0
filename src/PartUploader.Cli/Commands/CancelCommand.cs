using System.CommandLine;
using System.Diagnostics;
using System.Globalization;

namespace PartUploader.Cli.Commands;

/// <summary>
/// <c>partupload cancel --pid N</c>: asks a running <c>partupload upload</c> to cancel, as Ctrl+C in its terminal would
/// (it sends SIGTERM, which the upload handles as Ctrl+C; SIGINT is ignored by background jobs of scripts): it cancels its multipart upload on the server and exits with 5. The SDK does not expose upload IDs,
/// so an upload is cancelled through the process that owns it, not by ID.
/// </summary>
internal static class CancelCommand
{
    public static Command Create()
    {
        var pid = new Option<int>("--pid")
        {
            Description = "The process ID of the running 'partupload upload' (it prints it when it starts; in JSON as \"pid\").",
            Required = true,
            HelpName = "pid",
        };
        var timeout = new Option<int>("--timeout")
        {
            Description = "Seconds to wait for the upload to cancel on the server and exit (default 60; 0: do not wait).",
            DefaultValueFactory = _ => 60,
            HelpName = "seconds",
        };
        var json = new Option<bool>("--json") { Description = "Write one JSON document per event to standard output." };
        var command = new Command(
            "cancel",
            "Cancel a running 'partupload upload' by its process ID, as Ctrl+C would: it cancels its multipart upload on the server " +
            "and exits with 5. It sends SIGTERM, which 'upload' handles like Ctrl+C. (Cancelling by upload ID is not offered: the SDK does not expose upload IDs.) Linux and macOS.");
        command.Options.Add(pid);
        command.Options.Add(timeout);
        command.Options.Add(json);
        command.SetAction(async (parse, cancellationToken) =>
        {
            int processId = parse.GetValue(pid);
            int waitSeconds = parse.GetValue(timeout);
            bool asJson = parse.GetValue(json);
            var events = new JsonEvents(Console.Out);

            async Task<int> FailAsync(CliFailure failure)
            {
                if (asJson)
                {
                    events.WriteFailure(failure);
                }

                await Console.Error.WriteLineAsync($"partupload: {failure.Kind}: {failure.Message}").ConfigureAwait(false);
                return failure.ExitCode;
            }

            if (OperatingSystem.IsWindows())
            {
                return await FailAsync(CliFailure.BadInput("'cancel' sends SIGTERM and needs Linux or macOS; on Windows press Ctrl+C in the upload's console.")).ConfigureAwait(false);
            }

            if (waitSeconds < 0)
            {
                return await FailAsync(CliFailure.BadInput("--timeout must be 0 or more seconds.")).ConfigureAwait(false);
            }

            Process target;
            try
            {
                target = Process.GetProcessById(processId);
            }
            catch (ArgumentException)
            {
                return await FailAsync(CliFailure.BadInput($"No process {processId.ToString(CultureInfo.InvariantCulture)} is running.")).ConfigureAwait(false);
            }

            using (target)
            {
                string name = target.ProcessName;
                if (processId == Environment.ProcessId || !(name.Contains("partupload", StringComparison.OrdinalIgnoreCase) || name.Equals("dotnet", StringComparison.OrdinalIgnoreCase)))
                {
                    return await FailAsync(CliFailure.BadInput($"Process {processId.ToString(CultureInfo.InvariantCulture)} ({name}) is not a partupload upload.")).ConfigureAwait(false);
                }

                using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", processId.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!)
                {
                    await kill.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                    if (kill.ExitCode != 0)
                    {
                        return await FailAsync(new CliFailure(ExitCodes.Other, "other", $"Could not signal process {processId.ToString(CultureInfo.InvariantCulture)}.")).ConfigureAwait(false);
                    }
                }

                bool exited = true;
                if (waitSeconds > 0)
                {
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    wait.CancelAfter(TimeSpan.FromSeconds(waitSeconds));
                    try
                    {
                        await target.WaitForExitAsync(wait.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        exited = false;
                    }
                }

                if (asJson)
                {
                    events.Write("cancel", w =>
                    {
                        w.WriteNumber("pid", processId);
                        w.WriteBoolean("signalled", true);
                        w.WriteBoolean("exited", exited && waitSeconds > 0);
                    });
                }
                else
                {
                    await Console.Out.WriteLineAsync(
                        waitSeconds == 0 ? $"cancel: sent SIGTERM to {processId.ToString(CultureInfo.InvariantCulture)}"
                        : exited ? $"cancel: process {processId.ToString(CultureInfo.InvariantCulture)} cancelled its upload and exited"
                        : $"cancel: sent SIGTERM to {processId.ToString(CultureInfo.InvariantCulture)}; it has not exited within {waitSeconds.ToString(CultureInfo.InvariantCulture)} s").ConfigureAwait(false);
                }

                return exited ? ExitCodes.Success : ExitCodes.Other;
            }
        });
        return command;
    }
}
