using System.Collections.Concurrent;
using System.Globalization;
using PartUploader.Internal.Protocol.Publishing;

namespace PartUploader.Internal.Publishing;

/// <summary>
/// Uploads items through the batch engine (one window, one memory budget) under fresh UUID handles, and adds each
/// finished item's partition metadata, computed in the upload's own read pass, to an initialized publication in
/// batches while the rest still uploads.
/// </summary>
internal sealed class PublicationUploads(PublishingServices services, PartUploadClient uploads)
{
    public async Task<(IReadOnlyList<PublishedPartition> Partitions, long Bytes)> AddAsync(
        ServiceEndpoint endpoint,
        string publicationId,
        IReadOnlyList<PublishItem> items,
        LayerSettings layer,
        string contentType,
        PublishOptions options,
        IReadOnlyList<string>? handles,
        string? batchJournal,
        CancellationToken cancellationToken)
    {
        var sources = new Dictionary<string, PublishItem>(items.Count, StringComparer.Ordinal);
        bool gzip = string.Equals(layer.ContentEncoding, "gzip", StringComparison.OrdinalIgnoreCase);
        var compressing = new ConcurrentDictionary<string, CompressingReadStream>(StringComparer.Ordinal);
        List<BatchUploadItem> batchItems = MetadataUploads.Items(items, handles, i => i.FilePath, i => i.Source, i => i.OpenAsync, sources);
        if (gzip)
        {
            batchItems = [.. batchItems.Select(b => Compressed(b, sources[b.DataHandle], layer.Checksum, compressing))];
        }

        var published = new ConcurrentDictionary<string, PublishedPartition>(StringComparer.Ordinal);
        int uploaded = 0;
        int reportedAdded = 0;
        var reportGate = new Lock();
        void Report(int added)
        {
            // Reported from the upload tasks and from the metadata pump: one at a time, never going backwards.
            lock (reportGate)
            {
                reportedAdded = Math.Max(reportedAdded, added);
                options.Progress?.Report(new PublicationProgress
                {
                    Stage = PublicationStage.Uploading,
                    PublicationId = publicationId,
                    ItemsTotal = items.Count,
                    ItemsUploaded = Volatile.Read(ref uploaded),
                    PartitionsAdded = reportedAdded,
                });
            }
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var feeder = new MetadataFeeder<PublishPartitionWire>(
            options.PartitionsPerRequest, (batch, token) => SendPartitionsAsync(endpoint, layer.Id, publicationId, batch, token), Report, stop);
        var batchOptions = new BatchUploadOptions
        {
            LayerId = layer.Id,
            ContentType = contentType,
            ErrorPolicy = BatchErrorPolicy.StopOnFirstError,
            WholeBlobDigests = gzip ? WholeBlobDigests.None : DigestsFor(layer.Checksum),
            JournalDirectory = batchJournal,
            ItemFinished = finished =>
            {
                if (finished.Succeeded && finished.Result is { } result)
                {
                    PublishedPartition partition = gzip
                        ? ToCompressedPartition(sources[result.DataHandle], result, compressing[result.DataHandle])
                        : ToPartition(sources[result.DataHandle], result, layer.Checksum);
                    published[result.DataHandle] = partition;
                    Interlocked.Increment(ref uploaded);
                    feeder.Add(ToWire(partition));
                    Report(feeder.Sent);
                }
            },
        };

        BatchUploadResult batch = await MetadataUploads.RunAsync(uploads, batchItems, batchOptions, feeder, _ => string.Empty, stop.Token, cancellationToken).ConfigureAwait(false);
        PublishedPartition[] ordered = [.. batchItems.Select(b => published[b.DataHandle])];
        return (ordered, batch.Bytes);
    }

    /// <summary>
    /// Adds one batch. A retried attempt answered 409 (a partition already in the publication, P9's alternative) means an
    /// earlier attempt of this same batch was stored: a request applies whole or not at all, and these are its keys.
    /// </summary>
    private Task SendPartitionsAsync(ServiceEndpoint endpoint, string layerId, string publicationId, PublishPartitionWire[] batch, CancellationToken cancellationToken)
    {
        int attempts = 0;
        return services.Runner.ExecuteAsync(
            PublishingProtocol.OpPartitions,
            async token =>
            {
                try
                {
                    attempts++;
                    await services.Protocol.UploadPartitionsAsync(endpoint, layerId, publicationId, batch, services.BillingTag, token).ConfigureAwait(false);
                }
                catch (PublicationException ex) when (ex.Status == 409 && attempts > 1)
                {
                    // Stored by the attempt whose answer was lost.
                }
            },
            cancellationToken);
    }

    public static WholeBlobDigests DigestsFor(PartitionChecksum checksum) => checksum switch
    {
        PartitionChecksum.Md5 => WholeBlobDigests.Md5,
        PartitionChecksum.Sha1 => WholeBlobDigests.Sha1,
        PartitionChecksum.Sha256 => WholeBlobDigests.Sha256,
        _ => WholeBlobDigests.None,
    };

    /// <summary>The item compressed while it uploads (a gzip layer): one read of the source, uploaded with <c>Content-Encoding: gzip</c>.</summary>
    private static BatchUploadItem Compressed(BatchUploadItem item, PublishItem source, PartitionChecksum checksum, ConcurrentDictionary<string, CompressingReadStream> compressing) =>
        BatchUploadItem.FromStream(item.Source, item.DataHandle, async token =>
        {
            Stream raw = source.FilePath is not null
                ? new FileStream(source.FilePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan)
                : await source.OpenAsync!(token).ConfigureAwait(false);
            var stream = new CompressingReadStream(raw, checksum);
            compressing[item.DataHandle] = stream;
            return stream;
        }).WithContentEncoding("gzip");

    /// <summary>
    /// A gzip layer's partition: <c>dataSize</c> and <c>checksum</c> over the uncompressed bytes, <c>compressedDataSize</c> the
    /// stored size, and no <c>crc</c> (P5: which bytes it covers is not documented, so none is sent).
    /// </summary>
    private static PublishedPartition ToCompressedPartition(PublishItem item, PartUploadResult result, CompressingReadStream stream) => new()
    {
        PartitionId = item.PartitionId,
        DataHandle = result.DataHandle,
        Source = item.Source,
        DataSize = stream.UncompressedLength,
        CompressedDataSize = result.Size,
        Crc = null,
        Checksum = stream.UncompressedDigest,
    };

    public static PublishPartitionWire ToWire(PublishedPartition partition) => new()
    {
        Partition = partition.PartitionId,
        DataHandle = partition.DataHandle,
        DataSize = partition.DataSize,
        CompressedDataSize = partition.CompressedDataSize,
        Checksum = partition.Checksum,
        Crc = partition.Crc,
    };

    /// <summary>The partition's metadata from the upload's own read pass: size, CRC-32C (8 lowercase hex digits, P4) and the layer's digest.</summary>
    public static PublishedPartition ToPartition(PublishItem item, PartUploadResult result, PartitionChecksum checksum) => new()
    {
        PartitionId = item.PartitionId,
        DataHandle = result.DataHandle,
        Source = item.Source,
        DataSize = result.Size,
        Crc = result.Crc32C.ToString("x8", CultureInfo.InvariantCulture),
        Checksum = ChecksumOf(result, checksum, item.FilePath),
    };

    /// <summary>The whole-blob digest of the layer's algorithm, lowercase hex, or null for none.</summary>
    /// <summary>A new data handle: a lowercase UUID.</summary>
    public static string NewHandle() => Guid.NewGuid().ToString("D");

    /// <summary>
    /// The whole-blob digest of the layer's algorithm, lowercase hex, or null for none. The upload computes it in its read
    /// pass; only an upload resumed from a journal (which reads just the missing parts) lacks it, and then the file is read
    /// once more for it.
    /// </summary>
    public static string? ChecksumOf(PartUploadResult result, PartitionChecksum checksum, string? filePath = null)
    {
        string? digest = checksum switch
        {
            PartitionChecksum.None => null,
            PartitionChecksum.Md5 => result.Md5,
            PartitionChecksum.Sha1 => result.Sha1,
            _ => result.Sha256,
        };
        if (digest is not null || checksum == PartitionChecksum.None)
        {
            return digest;
        }

        using FileStream file = filePath is null
            ? throw new InvalidOperationException("The upload computed no whole-blob digest for the layer's checksum.")
            : new FileStream(filePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
#pragma warning disable CA5350, CA5351 // MD5 and SHA-1 are what the layer names for integrity, not security.
        byte[] hash = checksum switch
        {
            PartitionChecksum.Md5 => System.Security.Cryptography.MD5.HashData(file),
            PartitionChecksum.Sha1 => System.Security.Cryptography.SHA1.HashData(file),
            _ => System.Security.Cryptography.SHA256.HashData(file),
        };
#pragma warning restore CA5350, CA5351
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>The error of items whose data could not be uploaded.</summary>
    public static PublicationException ItemFailed(BatchUploadException error, string suffix)
    {
        BatchItemResult[] failed = [.. error.Result?.Failures ?? []];
        return new PublicationException(
            PartUploadException.FormatMessage($"{failed.Length} item(s) could not be uploaded; first: {failed.FirstOrDefault()?.Item.Source}{suffix}", "UploadData", 0, PartUploadErrorCodes.ItemFailed),
            failed.FirstOrDefault()?.Error)
        {
            ErrorCode = PartUploadErrorCodes.ItemFailed,
            Operation = "UploadData",
            FailedItems = failed,
        };
    }
}
