namespace PartUploader.Internal.Publishing;

/// <summary>
/// Runs a batch upload whose finished items feed a <see cref="MetadataFeeder{T}"/>, shared by publications and index
/// writes: a failed metadata call stops the uploads and is the error reported; a failed upload drops the records not
/// yet sent; on success every record has been accepted when this returns.
/// </summary>
internal static class MetadataUploads
{
    /// <summary>The items of a batch, each under its handle: the given ones (a resumed journal's) or new lowercase UUIDs.</summary>
    public static List<BatchUploadItem> Items<T>(IReadOnlyList<T> items, IReadOnlyList<string>? handles, Func<T, string?> filePath, Func<T, string> source, Func<T, Func<CancellationToken, ValueTask<Stream>>?> open, IDictionary<string, T> byHandle)
    {
        var batchItems = new List<BatchUploadItem>(items.Count);
        for (int i = 0; i < items.Count; i++)
        {
            // Handles are never reused (publish spec 1.2); a resumed publication uploads under the ones its journal chose.
            T item = items[i];
            string handle = handles?[i] ?? PublicationUploads.NewHandle();
            byHandle.Add(handle, item);
            batchItems.Add(filePath(item) is string path ? BatchUploadItem.FromFile(path, handle) : BatchUploadItem.FromStream(source(item), handle, open(item)!));
        }

        return batchItems;
    }

    public static async Task<BatchUploadResult> RunAsync<T>(
        PartUploadClient uploads,
        IReadOnlyList<BatchUploadItem> items,
        BatchUploadOptions options,
        MetadataFeeder<T> feeder,
        Func<int, string> failureSuffix,
        CancellationToken uploadToken,
        CancellationToken callerToken)
    {
        BatchUploadResult result;
        try
        {
            result = await uploads.UploadBatchAsync(items, options, uploadToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!callerToken.IsCancellationRequested)
        {
            // Only a failed metadata call stops the uploads on its own: CompleteAsync throws that failure.
            await feeder.CompleteAsync().ConfigureAwait(false);
            throw;
        }
        catch (BatchUploadException ex)
        {
            await feeder.AbandonAsync().ConfigureAwait(false);
            throw PublicationUploads.ItemFailed(ex, failureSuffix(feeder.Sent));
        }
        catch
        {
            await feeder.AbandonAsync().ConfigureAwait(false);
            throw;
        }

        await feeder.CompleteAsync().ConfigureAwait(false);
        return result;
    }
}
