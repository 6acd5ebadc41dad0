using System.Globalization;
using PartUploader.Internal.Protocol;
using PartUploader.Internal.Resilience;
using PartUploader.Internal.Transfer;
using PartUploader.Internal.Validation;

namespace PartUploader;

/// <summary>Single-blob operations: HEAD, GET (to a stream or a file) and DELETE, each through the client's pipeline.</summary>
public partial class PartUploadClient
{
    /// <summary>Tells whether a blob exists under a data handle (HEAD).</summary>
    /// <param name="layerId">The layer.</param>
    /// <param name="dataHandle">The data handle.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when the blob exists.</returns>
    /// <remarks>Transient answers (408, 429, 5xx) and network errors are retried; each attempt is bounded by <see cref="RetryOptions.AttemptTimeout"/>.</remarks>
    /// <exception cref="ArgumentException">The layer id or data handle is invalid.</exception>
    /// <exception cref="PartUploadException">The service failed, or the retries ran out (<c>ClientTimeout</c>, <c>NetworkError</c>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public virtual Task<bool> ExistsAsync(string layerId, string dataHandle, CancellationToken cancellationToken = default)
    {
        UploadValidation.ValidateLayerId(layerId, nameof(layerId));
        UploadValidation.ValidateDataHandle(dataHandle, _options.MaxDataHandleLength, nameof(dataHandle));
        return ExistsCoreAsync(layerId, dataHandle, cancellationToken);
    }

    /// <summary>Downloads a blob into a stream; a body that drops or stalls is continued from the byte reached with a ranged request.</summary>
    /// <param name="layerId">The layer.</param>
    /// <param name="dataHandle">The data handle.</param>
    /// <param name="destination">Where the bytes go, written from its current position in order; not disposed.</param>
    /// <param name="options">The byte range and the expected CRC-32C, if any; null for the whole blob, unchecked.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The bytes written.</returns>
    /// <remarks>
    /// Each request is retried on transient answers and network errors and bounded by
    /// <see cref="RetryOptions.AttemptTimeout"/> (also the longest a body read may stall). A dropped body is
    /// continued with <c>Range: bytes={reached}-</c>; resumptions spend <see cref="RetryOptions.RetryBudget"/>.
    /// On failure the destination holds the bytes received so far.
    /// </remarks>
    /// <exception cref="ArgumentException">An argument is invalid.</exception>
    /// <exception cref="PartUploadException">The service failed (404 when the blob does not exist), the retries ran out, or the bytes do not have <see cref="DownloadOptions.ExpectedCrc32C"/> (<c>DownloadMismatch</c>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public virtual async Task<long> DownloadToAsync(
        string layerId, string dataHandle, Stream destination, DownloadOptions? options = null, CancellationToken cancellationToken = default)
    {
        UploadValidation.ValidateLayerId(layerId, nameof(layerId));
        UploadValidation.ValidateDataHandle(dataHandle, _options.MaxDataHandleLength, nameof(dataHandle));
        ArgumentNullException.ThrowIfNull(destination);
        if (!destination.CanWrite)
        {
            throw new ArgumentException("The destination stream is not writable.", nameof(destination));
        }

        ValidateRange(options);
        BlobEndpoint endpoint = await GetEndpointAsync(cancellationToken).ConfigureAwait(false);
        var download = new BlobDownload(_protocol, _pipeline, _options, _logger, endpoint, layerId, dataHandle);
        return await download.CopyToAsync(destination, options?.ExpectedCrc32C, options?.Offset ?? 0, options?.Length, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Downloads a blob into a file: written to a temporary file in the same directory, renamed over <paramref name="filePath"/> on success.</summary>
    /// <param name="layerId">The layer.</param>
    /// <param name="dataHandle">The data handle.</param>
    /// <param name="filePath">The file to create or replace; its directory must exist.</param>
    /// <param name="options">The byte range and the expected CRC-32C, if any; null for the whole blob, unchecked.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The bytes written.</returns>
    /// <remarks>
    /// Retried, bounded and resumed as <see cref="DownloadToAsync(string, string, Stream, DownloadOptions?, CancellationToken)"/>.
    /// On any failure or cancellation the temporary file is deleted and an existing file at
    /// <paramref name="filePath"/> is left as it was.
    /// </remarks>
    /// <exception cref="ArgumentException">An argument is invalid, or the file's directory does not exist.</exception>
    /// <exception cref="PartUploadException">The service failed, the retries ran out, or the bytes do not have <see cref="DownloadOptions.ExpectedCrc32C"/> (<c>DownloadMismatch</c>).</exception>
    /// <exception cref="IOException">The file cannot be written or renamed.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory is not writable.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public virtual async Task<long> DownloadToFileAsync(
        string layerId, string dataHandle, string filePath, DownloadOptions? options = null, CancellationToken cancellationToken = default)
    {
        UploadValidation.ValidateLayerId(layerId, nameof(layerId));
        UploadValidation.ValidateDataHandle(dataHandle, _options.MaxDataHandleLength, nameof(dataHandle));
        ArgumentException.ThrowIfNullOrWhiteSpace(filePath);
        string target = Path.GetFullPath(filePath);
        string directory = Path.GetDirectoryName(target) ?? throw new ArgumentException("The file path has no directory.", nameof(filePath));
        if (!Directory.Exists(directory) || Directory.Exists(target))
        {
            throw new ArgumentException("The file path must name a file in an existing directory.", nameof(filePath));
        }

        ValidateRange(options);

        string temporary = Path.Combine(directory, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.download");
        var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);
        try
        {
            long written;
            await using (file.ConfigureAwait(false))
            {
                written = await DownloadToAsync(layerId, dataHandle, file, options, cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, target, overwrite: true);
            return written;
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>Deletes a blob (index layers only; other layer types answer 403).</summary>
    /// <param name="layerId">The layer.</param>
    /// <param name="dataHandle">The data handle.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the service accepted the deletion.</returns>
    /// <remarks>Transient answers and network errors are retried; each attempt is bounded by <see cref="RetryOptions.AttemptTimeout"/>.</remarks>
    /// <exception cref="ArgumentException">An argument is invalid.</exception>
    /// <exception cref="PartUploadException">The service failed, or the retries ran out.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public virtual Task DeleteAsync(string layerId, string dataHandle, CancellationToken cancellationToken = default)
    {
        UploadValidation.ValidateLayerId(layerId, nameof(layerId));
        UploadValidation.ValidateDataHandle(dataHandle, _options.MaxDataHandleLength, nameof(dataHandle));
        return DeleteCoreAsync(layerId, dataHandle, cancellationToken);
    }

    /// <summary>A download range starts at a byte that is not negative and, when bounded, holds at least one byte.</summary>
    private static void ValidateRange(DownloadOptions? options)
    {
        if (options is { Offset: < 0 })
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"DownloadOptions.Offset must not be negative (was {options.Offset})."), nameof(options));
        }

        if (options is { Length: <= 0 })
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"DownloadOptions.Length must be more than zero, or null for every byte to the end (was {options.Length})."), nameof(options));
        }
    }

    private async Task<bool> ExistsCoreAsync(string layerId, string dataHandle, CancellationToken cancellationToken)
    {
        BlobEndpoint endpoint = await GetEndpointAsync(cancellationToken).ConfigureAwait(false);
        return await Runner(dataHandle).ExecuteAsync(
            BlobProtocol.OpHead,
            token => _protocol.ExistsAsync(endpoint, layerId, dataHandle, _options.BillingTag, token),
            cancellationToken).ConfigureAwait(false);
    }

    private async Task DeleteCoreAsync(string layerId, string dataHandle, CancellationToken cancellationToken)
    {
        BlobEndpoint endpoint = await GetEndpointAsync(cancellationToken).ConfigureAwait(false);
        await Runner(dataHandle).ExecuteAsync(
            BlobProtocol.OpDelete,
            token => _protocol.DeleteAsync(endpoint, layerId, dataHandle, _options.BillingTag, token),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A runner for one call about one blob: the client's pipeline, errors naming the data handle.</summary>
    private OperationRunner Runner(string dataHandle) =>
        new(_pipeline, _options.Retry.AttemptTimeout, budget: null, (summary, operation, code, status, partNumber, service, inner) =>
            OperationRunner.DefaultError(summary, operation, code, status, partNumber, service, inner, dataHandle));

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: the temporary file keeps a name no other download uses.
        }
    }
}
