using PartUploader.Internal.Protocol;
using PartUploader.Internal.Transfer;
using PartUploader.Internal.Validation;

namespace PartUploader;

/// <summary>Many blobs in one call.</summary>
public partial class PartUploadClient
{
    /// <summary>Uploads many blobs as one batch: all items share one window of requests in flight and one memory budget.</summary>
    /// <param name="items">The items; enumerated once, as the batch goes (a million items need not be in memory).</param>
    /// <param name="options">The layer and content type of items that name none, the error policy, progress.</param>
    /// <param name="cancellationToken">Cancels the batch; every multipart upload in flight is then cancelled on the server.</param>
    /// <returns>Every item's outcome, in the order given; failed items are listed, not thrown.</returns>
    /// <remarks>
    /// <see cref="PartUploadClientOptions.MaxConcurrency"/> counts blob-service requests in flight across all items, and
    /// <see cref="PartUploadClientOptions.MaxBufferedBytes"/> bounds all their buffered data. Small items go in one PUT,
    /// large ones as multipart uploads. Items start in the order given; a failed item's upload is cancelled on the server.
    /// </remarks>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="BatchUploadException">The error policy is <see cref="BatchErrorPolicy.StopOnFirstError"/> and an item failed.</exception>
    /// <exception cref="PartUploadException">The blob endpoint could not be found (lookup or authentication).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public virtual async Task<BatchUploadResult> UploadBatchAsync(IAsyncEnumerable<BatchUploadItem> items, BatchUploadOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(options);
        UploadValidation.ValidateLayerId(options.LayerId, nameof(options));
        using var scheduler = new TransferScheduler(_options.MaxConcurrency, _options.MaxBufferedBytes);
        BlobEndpoint endpoint = await GetEndpointAsync(cancellationToken).ConfigureAwait(false) with { Window = scheduler.Window };
        if (Diagnostics is not null)
        {
            Diagnostics.Pool = scheduler.Pool;
            Diagnostics.Window = scheduler.Window;
        }

        var batch = new BatchUpload(options, _options.MaxConcurrency, _protocol.TimeProvider, (item, progress, token) =>
            UploadItemAsync(item, options, progress, endpoint, scheduler, token));
        return await batch.RunAsync(items, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Uploads many blobs as one batch (see the <see cref="IAsyncEnumerable{T}"/> overload).</summary>
    /// <param name="items">The items; enumerated once, as the batch goes.</param>
    /// <param name="options">The layer and content type of items that name none, the error policy, progress.</param>
    /// <param name="cancellationToken">Cancels the batch; every multipart upload in flight is then cancelled on the server.</param>
    /// <returns>Every item's outcome, in the order given.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="BatchUploadException">The error policy is <see cref="BatchErrorPolicy.StopOnFirstError"/> and an item failed.</exception>
    /// <exception cref="PartUploadException">The blob endpoint could not be found (lookup or authentication).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public virtual Task<BatchUploadResult> UploadBatchAsync(IEnumerable<BatchUploadItem> items, BatchUploadOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        return UploadBatchAsync(items.ToAsyncEnumerable(), options, cancellationToken);
    }

    private async Task<PartUploadResult> UploadItemAsync(
        BatchUploadItem item, BatchUploadOptions batch, IProgress<UploadProgress> progress, BlobEndpoint endpoint, TransferScheduler scheduler, CancellationToken token)
    {
        var options = new PartUploadOptions
        {
            LayerId = item.LayerId ?? batch.LayerId,
            DataHandle = item.DataHandle,
            ContentType = item.ContentType ?? batch.ContentType,
            ContentEncoding = item.ContentEncoding,
            WholeBlobDigests = batch.WholeBlobDigests,
            Progress = progress,
        };
        UploadValidation.Validate(options, _options.MaxDataHandleLength);
        var request = new UploadRequest(options.LayerId, options.DataHandle, options.ContentType, options.ContentEncoding, ForceMultipart: false, options.WholeBlobDigests, progress, Journal: null, scheduler.Pool);
        if (item.FilePath is not null)
        {
            using FileSource file = FileSource.Open(item.FilePath);
            return await new UploadRun(_protocol, _pipeline, _options, _logger, endpoint, request, file, Diagnostics).RunAsync(token).ConfigureAwait(false);
        }

        Stream stream = await item.OpenAsync!(token).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var source = new StreamSource(stream);
            return await new UploadRun(_protocol, _pipeline, _options, _logger, endpoint, request, source, Diagnostics).RunAsync(token).ConfigureAwait(false);
        }
    }
}
