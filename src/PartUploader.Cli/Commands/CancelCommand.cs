using System.CommandLine;
using System.Globalization;
using PartUploader.Cli.Control;

namespace PartUploader.Cli.Commands;

/// <summary>
/// <c>partupload cancel --pid N | --journal FILE | --handle ID</c>: asks a running <c>partupload upload</c> of this user to
/// cancel through its control channel (a socket in a directory only this user can enter), then reports what happened to
/// its multipart upload on the server. No signal is sent to any process, so no other process can be hit by mistake.
/// </summary>
internal static class CancelCommand
{
    public static Command Create()
    {
        var pid = new Option<int?>("--pid") { Description = "The process ID of the running 'partupload upload' (it prints it when it starts; in JSON as \"pid\").", HelpName = "pid" };
        var journal = new Option<string?>("--journal") { Description = "The resume journal the running upload was given with --resume.", HelpName = "file" };
        var handle = new Option<string?>("--handle") { Description = "The data handle the running upload writes (narrow it with --layer and --catalog).", HelpName = "id" };
        var layer = new Option<string?>("--layer") { Description = "With --handle: the layer ID.", HelpName = "id" };
        var catalog = new Option<string?>("--catalog") { Description = "With --handle: the catalog HRN.", HelpName = "hrn" };
        var timeout = new Option<int>("--timeout")
        {
            Description = "Seconds to wait for the upload to cancel on the server and exit (default 60; 0: do not wait).",
            DefaultValueFactory = _ => 60,
            HelpName = "seconds",
        };
        var json = new Option<bool>("--json") { Description = "Write one JSON document per event to standard output." };
        var command = new Command(
            "cancel",
            "Cancel a running 'partupload upload' of this user, found by --pid, --journal or --handle: it cancels its multipart upload " +
            "on the server and exits with 5; this command then says whether the server-side cancel succeeded. No signal is sent to any process.\n\n" +
            "Examples:\n  partupload cancel --pid 4242\n  partupload cancel --journal big.tar.journal\n  partupload cancel --handle tiles-2026-11 --layer tiles")
        {
            pid, journal, handle, layer, catalog, timeout, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var events = new JsonEvents(Console.Out);
            bool asJson = parse.GetValue(json);
            int waitSeconds = parse.GetValue(timeout);
            var selector = new Selector(parse.GetValue(pid), parse.GetValue(journal), parse.GetValue(handle), parse.GetValue(layer), parse.GetValue(catalog));
            string? problem = selector.Validate() ?? (waitSeconds < 0 ? "--timeout must be 0 or more seconds." : null);
            if (problem is not null)
            {
                return Fail(CliFailure.BadInput(problem), asJson, events);
            }

            List<UploadControlClient> running;
            try
            {
                running = await UploadControlClient.ConnectAllAsync(selector.Pid, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                return Fail(CliFailure.BadInput($"The control directory of running uploads cannot be used (it must be this user's own): {ex.Message}"), asJson, events);
            }

            try
            {
                List<UploadControlClient> matches = running.Where(c => selector.Matches(c.Hello)).ToList();
                if (matches.Count == 0)
                {
                    return Fail(CliFailure.BadInput($"No running 'partupload upload' of this user matches {selector}; nothing was cancelled."), asJson, events);
                }

                if (matches.Count > 1)
                {
                    string pids = string.Join(", ", matches.Select(m => m.Hello.Pid.ToString(CultureInfo.InvariantCulture)));
                    return Fail(CliFailure.BadInput($"{matches.Count} running uploads match {selector} (pids {pids}); name one with --pid."), asJson, events);
                }

                UploadControlClient target = matches[0];
                if (!await target.RequestCancelAsync(cancellationToken).ConfigureAwait(false))
                {
                    return Fail(new CliFailure(ExitCodes.Other, "other", $"Upload {target.Hello.Pid} did not accept the cancel request (it may have just ended)."), asJson, events);
                }

                ControlEvent? ended = null;
                if (waitSeconds > 0)
                {
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    wait.CancelAfter(TimeSpan.FromSeconds(waitSeconds));
                    try
                    {
                        ended = await target.WaitEndedAsync(wait.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                    }
                }

                (int exitCode, string text) = Describe(target.Hello, ended, waitSeconds);
                if (asJson)
                {
                    events.Write("cancel", w =>
                    {
                        w.WriteNumber("pid", target.Hello.Pid);
                        w.WriteString("handle", target.Hello.Handle);
                        w.WriteBoolean("requested", true);
                        w.WriteBoolean("ended", ended is not null);
                        if (ended?.CancelledOnServer is bool cancelled)
                        {
                            w.WriteBoolean("cancelledOnServer", cancelled);
                        }

                        if (ended?.UploadId is string uploadId)
                        {
                            w.WriteString("uploadId", uploadId);
                        }

                        w.WriteNumber("exitCode", exitCode);
                        w.WriteString("message", text);
                    });
                }
                else
                {
                    await Console.Out.WriteLineAsync("cancel: " + text).ConfigureAwait(false);
                }

                return exitCode;
            }
            finally
            {
                running.ForEach(c => c.Dispose());
            }
        });
        return command;
    }

    private static (int ExitCode, string Text) Describe(ControlHello hello, ControlEvent? ended, int waitSeconds)
    {
        string who = $"upload {hello.Pid.ToString(CultureInfo.InvariantCulture)} (handle {hello.Handle})";
        if (waitSeconds == 0)
        {
            return (ExitCodes.Success, $"asked {who} to cancel; not waiting for it.");
        }

        if (ended is null)
        {
            return (ExitCodes.Other, $"asked {who} to cancel; it has not reported an end within {waitSeconds.ToString(CultureInfo.InvariantCulture)} s.");
        }

        if (ended.ExitCode is null)
        {
            return (ExitCodes.Other, $"{who} exited without reporting what happened on the server.");
        }

        return ended switch
        {
            { ExitCode: ExitCodes.Success } => (ExitCodes.Other, $"{who} had already completed; nothing was cancelled."),
            { BlobStored: true } => (ExitCodes.Other, $"{who} ended, but its multipart upload {ended.UploadId} had already completed when the cancel reached the service: the blob is stored."),
            { CancelledOnServer: true } => (ExitCodes.Success, $"{who} ended; its multipart upload {ended.UploadId} was cancelled on the server."),
            { CancelledOnServer: false } => (ExitCodes.ServiceError, $"{who} ended, but its multipart upload {ended.UploadId} could NOT be cancelled on the server: {ended.Message}"),
            _ => (ExitCodes.Success, $"{who} ended; it had left nothing on the server to cancel."),
        };
    }

    private static int Fail(CliFailure failure, bool asJson, JsonEvents events)
    {
        if (asJson)
        {
            events.WriteFailure(failure);
        }

        Console.Error.WriteLine($"partupload: {failure.Kind}: {failure.Message}");
        return failure.ExitCode;
    }

    private sealed record Selector(int? Pid, string? Journal, string? Handle, string? Layer, string? Catalog)
    {
        public string? Validate()
        {
            int given = (Pid is null ? 0 : 1) + (Journal is null ? 0 : 1) + (Handle is null ? 0 : 1);
            if (given != 1)
            {
                return "Name the upload to cancel with exactly one of --pid, --journal or --handle.";
            }

            if (Pid is <= 1)
            {
                return $"--pid must be the process ID of a running upload (greater than 1; was {Pid.Value.ToString(CultureInfo.InvariantCulture)}).";
            }

            if (Pid == Environment.ProcessId)
            {
                return "--pid names this 'cancel' process itself.";
            }

            if ((Layer is not null || Catalog is not null) && Handle is null)
            {
                return "--layer and --catalog narrow --handle; give --handle too.";
            }

            return Handle is { Length: 0 } || Journal is { Length: 0 } ? "--handle and --journal must not be empty." : null;
        }

        public bool Matches(ControlHello hello) =>
            (Pid is null || hello.Pid == Pid)
            && (Journal is null || (hello.Journal is not null && string.Equals(Path.GetFullPath(Journal), hello.Journal, StringComparison.Ordinal)))
            && (Handle is null || hello.Handle == Handle)
            && (Layer is null || hello.Layer == Layer)
            && (Catalog is null || hello.Catalog == Catalog);

        public override string ToString() =>
            Pid is int p ? $"--pid {p.ToString(CultureInfo.InvariantCulture)}"
            : Journal is not null ? $"--journal {Journal}"
            : $"--handle {Handle}" + (Layer is null ? string.Empty : $" --layer {Layer}") + (Catalog is null ? string.Empty : $" --catalog {Catalog}");
    }
}
