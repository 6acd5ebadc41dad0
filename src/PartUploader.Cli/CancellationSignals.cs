using System.Runtime.InteropServices;

namespace PartUploader.Cli;

/// <summary>
/// Turns the first Ctrl+C (SIGINT), SIGTERM or SIGQUIT into a cancellation, so the SDK can cancel the multipart
/// upload on the server before the process exits; a second Ctrl+C ends the process at once.
/// </summary>
internal sealed class CancellationSignals : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly List<PosixSignalRegistration> _registrations = [];

    public CancellationSignals()
    {
        foreach (PosixSignal signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGQUIT })
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
        }
    }

    public CancellationToken Token => _cts.Token;

    public void Dispose()
    {
        foreach (PosixSignalRegistration registration in _registrations)
        {
            registration.Dispose();
        }

        _cts.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (_cts.IsCancellationRequested)
        {
            return; // The second signal: the default action ends the process.
        }

        context.Cancel = true;
        Console.Error.WriteLine("partupload: cancelling (press Ctrl+C again to exit at once)...");
        _cts.Cancel();
    }
}
