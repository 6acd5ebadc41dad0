using System.Threading.Channels;

namespace PartUploader.Internal.Publishing;

/// <summary>
/// Sends metadata records (partitions of a publication, or index records) in batches of at most <c>perRequest</c>
/// while data still uploads: records are added as their uploads finish, and a batch goes as soon as it is full (the
/// rest when the uploads end). A failed call stops the uploads (through the token source it was given) and surfaces
/// from <see cref="CompleteAsync"/>.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
internal sealed class MetadataFeeder<T>
{
    private readonly Channel<T> _pending = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true });
    private readonly int _perRequest;
    private readonly Func<T[], CancellationToken, Task> _send;
    private readonly Action<int> _added;
    private readonly Task _pump;
    private readonly CancellationTokenSource _stop;
    private int _sent;

    public MetadataFeeder(int perRequest, Func<T[], CancellationToken, Task> send, Action<int> added, CancellationTokenSource stopUploads)
    {
        _perRequest = perRequest;
        _send = send;
        _added = added;
        _stop = stopUploads;
        _pump = PumpAsync(stopUploads);
    }

    /// <summary>Gets how many records the service has accepted.</summary>
    public int Sent => Volatile.Read(ref _sent);

    public void Add(T record) => _pending.Writer.TryWrite(record);

    /// <summary>Sends what is left and returns once every record was accepted; throws the first failure.</summary>
    public async Task CompleteAsync()
    {
        _pending.Writer.TryComplete();
        await _pump.ConfigureAwait(false);
    }

    /// <summary>Stops sending (the uploads failed): queued records are dropped and a request in flight is cancelled.</summary>
    public async Task AbandonAsync()
    {
        _pending.Writer.TryComplete(new OperationCanceledException("The uploads failed."));
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _pump.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or PartUploadException)
        {
            // The uploads' failure is the one reported.
        }
    }

    private async Task PumpAsync(CancellationTokenSource stopUploads)
    {
        await Task.Yield();
        var batch = new List<T>(_perRequest);
        try
        {
            CancellationToken token = stopUploads.Token;
            while (await _pending.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (batch.Count < _perRequest && _pending.Reader.TryRead(out T? record))
                {
                    batch.Add(record);
                }

                if (batch.Count == _perRequest)
                {
                    await SendAsync(batch, token).ConfigureAwait(false);
                }
            }

            if (batch.Count > 0)
            {
                await SendAsync(batch, token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_pending.Reader.Completion.IsFaulted)
        {
            await stopUploads.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task SendAsync(List<T> batch, CancellationToken cancellationToken)
    {
        T[] request = [.. batch];
        batch.Clear();
        await _send(request, cancellationToken).ConfigureAwait(false);
        _added(Interlocked.Add(ref _sent, request.Length));
    }
}
