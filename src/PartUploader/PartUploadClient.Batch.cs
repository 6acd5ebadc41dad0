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
    /// <exception cref="BatchUploadException">The error policy is <see cref="BatchErrorPolicy.StopOnFirstError"/> and an item failed, or <see cref="BatchUploadOptions.TimeLimit"/> passed before every item finished (<see cref="PartUploadErrorCodes.TimeLimitExceeded"/>, whatever the policy).</exception>
    /// <exception cref="ArgumentException">An option is invalid (before any request).</exception>
    /// <exception cref="PartUploadException">The blob endpoint could not be found (lookup or authentication).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public virtual async Task<BatchUploadResult> UploadBatchAsync(IAsyncEnumerable<BatchUploadItem> items, BatchUploadOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(options);
        UploadValidation.ValidateLayerId(options.LayerId, nameof(options));
        UploadValidation.ValidateTimeLimit(options.TimeLimit, nameof(options), "BatchUploadOptions.TimeLimit");
        using UploadTimeLimit? limit = UploadTimeLimit.StartOrNull(options.TimeLimit, "BatchUploadOptions.TimeLimit", _timeProvider, cancellationToken);
        using var scheduler = new TransferScheduler(_options.MaxConcurrency, _options.MaxBufferedBytes, _protocol.TimeProvider, _options.Retry.MaxRetryAfter);
        BlobEndpoint endpoint;
        try
        {
            endpoint = await GetEndpointAsync(limit?.Token ?? cancellationToken).ConfigureAwait(false) with { Window = scheduler.Window };
        }
        catch (OperationCanceledException stopped) when (limit is { Exceeded: true })
        {
            throw BatchUpload.TimeLimitExceeded(limit, new BatchUploadResult([], limit.Limit), stopped);
        }

        if (Diagnostics is not null)
        {
            Diagnostics.Pool = scheduler.Pool;
            Diagnostics.Window = scheduler.Window;
        }

        BatchJournal? journal = options.JournalDirectory is null ? null : BatchJournal.Open(options.JournalDirectory);
        var batch = new BatchUpload(options, _options.MaxConcurrency, _protocol.TimeProvider, limit, (item, progress, token) =>
            UploadItemAsync(item, options, progress, endpoint, scheduler, journal, limit, token));
        return await batch.RunAsync(items, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Uploads many blobs as one batch (see the <see cref="IAsyncEnumerable{T}"/> overload).</summary>
    /// <param name="items">The items; enumerated once, as the batch goes.</param>
    /// <param name="options">The layer and content type of items that name none, the error policy, progress.</param>
    /// <param name="cancellationToken">Cancels the batch; every multipart upload in flight is then cancelled on the server.</param>
    /// <returns>Every item's outcome, in the order given.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="BatchUploadException">The error policy is <see cref="BatchErrorPolicy.StopOnFirstError"/> and an item failed, or <see cref="BatchUploadOptions.TimeLimit"/> passed before every item finished (<see cref="PartUploadErrorCodes.TimeLimitExceeded"/>, whatever the policy).</exception>
    /// <exception cref="ArgumentException">An option is invalid (before any request).</exception>
    /// <exception cref="PartUploadException">The blob endpoint could not be found (lookup or authentication).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public virtual Task<BatchUploadResult> UploadBatchAsync(IEnumerable<BatchUploadItem> items, BatchUploadOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        return UploadBatchAsync(items.ToAsyncEnumerable(), options, cancellationToken);
    }

    private async Task<(PartUploadResult, bool)> UploadItemAsync(
        BatchUploadItem item,
        BatchUploadOptions batch,
        IProgress<UploadProgress> progress,
        BlobEndpoint endpoint,
        TransferScheduler scheduler,
        BatchJournal? journal,
        UploadTimeLimit? limit,
        CancellationToken token)
    {
        if (journal is not null && journal.TryGetCompleted(item.DataHandle, out BatchJournalEntry done))
        {
            return (done.ToResult(), true);
        }

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
        JournalRequest? uploadJournal = null;
        if (journal is not null && item.FilePath is not null && _options.PartNumbering == PartNumbering.FreshOnRetry)
        {
            string path = journal.UploadJournalPath(item.DataHandle);
            uploadJournal = File.Exists(path)
                ? ResumeCheck.Prepare(item.FilePath, options, path, keepOnSuccess: true)
                : new JournalRequest(path, SourceIdentity.Of(item.FilePath), ResumeFrom: null, KeepOnSuccess: true);
            if (uploadJournal.ResumeFrom is not null)
            {
                ResumeCheck.EnsureSameService(uploadJournal, endpoint);
            }
        }

        bool startedBefore = journal?.WasStarted(item.DataHandle) == true;
        journal?.RecordStarted(item.DataHandle, item.Source);
        var request = new UploadRequest(options.LayerId, options.DataHandle, options.ContentType, options.ContentEncoding, ForceMultipart: false, options.WholeBlobDigests, progress, uploadJournal, scheduler.Pool, limit);
        PartUploadResult result;
        if (item.FilePath is not null)
        {
            PartUploadResult? stored = null;
            try
            {
                using FileSource file = FileSource.Open(item.FilePath);
                result = await new UploadRun(_protocol, _pipeline, _options, _logger, endpoint, request, file, Diagnostics).RunAsync(token).ConfigureAwait(false);
            }
            catch (BlobAlreadyExistsException) when (startedBefore && uploadJournal?.ResumeFrom is null)
            {
                // An earlier run may have stored this file (a single PUT) and stopped before recording it: compare the bytes.
                stored = await StoredBlobMatchesAsync(options, item.FilePath, token).ConfigureAwait(false);
                if (stored is null)
                {
                    throw;
                }

                result = stored;
            }
        }
        else
        {
            Stream stream = await item.OpenAsync!(token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                using var source = new StreamSource(stream);
                result = await new UploadRun(_protocol, _pipeline, _options, _logger, endpoint, request, source, Diagnostics).RunAsync(token).ConfigureAwait(false);
            }
        }

        journal?.RecordCompleted(item.DataHandle, item.Source, result);
        return (result, false);
    }

    /// <summary>For a file an interrupted batch may have stored: its result when the stored blob's CRC-32C and size equal the file's, else null.</summary>
    private async Task<PartUploadResult?> StoredBlobMatchesAsync(PartUploadOptions options, string filePath, CancellationToken token)
    {
        System.IO.Hashing.Crc32 fileHash = Internal.Hashing.Crc32C.CreateIncremental();
        long fileLength = 0;
        FileStream file = new(filePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        await using (file.ConfigureAwait(false))
        {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = await file.ReadAsync(buffer, token).ConfigureAwait(false)) > 0)
            {
                fileHash.Append(buffer.AsSpan(0, n));
                fileLength += n;
            }
        }

        uint fileCrc = fileHash.GetCurrentHashAsUInt32();
        using var stored = new Crc32CStream();
        await DownloadToAsync(options.LayerId, options.DataHandle, stored, options: null, token).ConfigureAwait(false);
        return stored.Length != fileLength || stored.Crc != fileCrc ? null : new PartUploadResult
        {
            DataHandle = options.DataHandle,
            Size = fileLength,
            Multipart = false,
            PartSize = 0,
            PartCount = 1,
            PartNumbers = [],
            Retries = 0,
            Crc32C = fileCrc,
            VerifiedRanges = 1,
            Elapsed = TimeSpan.Zero,
            ResumedParts = 1,
            ResumedBytes = fileLength,
        };
    }

    /// <summary>A write-only sink that keeps the CRC-32C and length of what passes through.</summary>
    private sealed class Crc32CStream : Stream
    {
        private readonly System.IO.Hashing.Crc32 _hash = Internal.Hashing.Crc32C.CreateIncremental();

        public uint Crc => _hash.GetCurrentHashAsUInt32();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Written;

        public override long Position { get => Written; set => throw new NotSupportedException(); }

        private long Written { get; set; }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _hash.Append(buffer);
            Written += buffer.Length;
        }
    }
}
