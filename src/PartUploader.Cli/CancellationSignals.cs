using System.Diagnostics;
using System.Runtime.InteropServices;

namespace PartUploader.Cli;

/// <summary>
/// Turns the first Ctrl+C (SIGINT), SIGTERM or SIGQUIT into a cancellation, so the SDK can cancel the multipart
/// upload on the server before the process exits; a second Ctrl+C ends the process at once. Signals within a
/// second of the first are taken as the same one: <c>timeout</c>, CI runners and terminals may deliver a signal
/// to the process and to its process group.
/// </summary>
internal sealed class CancellationSignals : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private static readonly TimeSpan s_repeatWindow = TimeSpan.FromSeconds(1);
    private readonly List<PosixSignalRegistration> _registrations = [];
    private long _firstSignal;

    private readonly string _message;

    public CancellationSignals(string message)
    {
        _message = message;
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
        context.Cancel = true;
        if (_cts.IsCancellationRequested)
        {
            // A second signal ends the process at once (the default action), unless it is an echo of the first.
            context.Cancel = Stopwatch.GetElapsedTime(Interlocked.Read(ref _firstSignal)) < s_repeatWindow;
            return;
        }

        Interlocked.Exchange(ref _firstSignal, Stopwatch.GetTimestamp());
        Console.Error.WriteLine(_message);
        _cts.Cancel();
    }
}
