using System.Threading.Channels;
using PartUploader.Internal.Protocol.Publishing;

namespace PartUploader.Internal.Publishing;

/// <summary>
/// Sends partition metadata in batches of at most <c>perRequest</c> while data still uploads: items are added
/// as their uploads finish, and a batch goes as soon as it is full (the rest when the uploads end). A failed
/// metadata call stops the uploads (through the token source it was given) and surfaces from <see cref="CompleteAsync"/>.
/// </summary>
internal sealed class PartitionFeeder
{
    private readonly Channel<PublishPartitionWire> _pending = Channel.CreateUnbounded<PublishPartitionWire>(new UnboundedChannelOptions { SingleReader = true });
    private readonly PublishingServices _services;
    private readonly ServiceEndpoint _endpoint;
    private readonly string _layerId;
    private readonly string _publicationId;
    private readonly int _perRequest;
    private readonly Action<int> _added;
    private readonly Task _pump;

    public PartitionFeeder(
        PublishingServices services, ServiceEndpoint endpoint, string layerId, string publicationId, int perRequest, Action<int> added, CancellationTokenSource stopUploads)
    {
        _services = services;
        _endpoint = endpoint;
        _layerId = layerId;
        _publicationId = publicationId;
        _perRequest = perRequest;
        _added = added;
        _pump = PumpAsync(stopUploads);
    }

    public int Sent { get; private set; }

    public int Requests { get; private set; }

    public void Add(PublishPartitionWire partition) => _pending.Writer.TryWrite(partition);

    /// <summary>Sends what is left and returns once every partition was accepted; throws the first metadata failure.</summary>
    public async Task CompleteAsync()
    {
        _pending.Writer.TryComplete();
        await _pump.ConfigureAwait(false);
    }

    /// <summary>Stops sending (the uploads failed); waits for a request in flight.</summary>
    public async Task AbandonAsync()
    {
        _pending.Writer.TryComplete(new OperationCanceledException("The publication's uploads failed."));
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
        var batch = new List<PublishPartitionWire>(_perRequest);
        try
        {
            CancellationToken token = stopUploads.Token;
            while (await _pending.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (batch.Count < _perRequest && _pending.Reader.TryRead(out PublishPartitionWire? partition))
                {
                    batch.Add(partition);
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

    private async Task SendAsync(List<PublishPartitionWire> batch, CancellationToken cancellationToken)
    {
        PublishPartitionWire[] request = [.. batch];
        batch.Clear();
        await _services.Runner.ExecuteAsync(
            PublishingProtocol.OpPartitions,
            token => _services.Protocol.UploadPartitionsAsync(_endpoint, _layerId, _publicationId, request, _services.BillingTag, token),
            cancellationToken).ConfigureAwait(false);
        Sent += request.Length;
        Requests++;
        _added(Sent);
    }
}
