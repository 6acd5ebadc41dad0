using System.Buffers;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using PartUploader.Internal.Diagnostics;
using PartUploader.Internal.Hashing;
using PartUploader.Internal.Protocol;
using PartUploader.Internal.Resilience;
using Polly;

namespace PartUploader.Internal.Transfer;

/// <summary>
/// One download of a blob into a stream: each request goes through the client's pipeline (transient
/// answers and connection failures before the body are retried, the wait for an answer is bounded by the
/// attempt timeout), and a body that drops or stalls is continued with <c>Range: bytes={reached}-</c>.
/// </summary>
/// <remarks>
/// A body read that makes no progress for the attempt timeout counts as dropped. Resumptions spend the
/// retry budget; consecutive ones that gain no byte are limited to <see cref="RetryOptions.MaxAttempts"/>.
/// The CRC-32C of the bytes written is computed on the way when the caller expects one. Memory: one
/// pooled 80 KiB buffer.
/// </remarks>
internal sealed class BlobDownload
{
    private const int BufferSize = 81_920;

    private readonly BlobProtocol _protocol;
    private readonly RetryOptions _retry;
    private readonly string? _billingTag;
    private readonly ILogger _logger;
    private readonly BlobEndpoint _endpoint;
    private readonly string _layerId;
    private readonly string _dataHandle;
    private readonly RetryBudget _budget;
    private readonly OperationRunner _runner;

    public BlobDownload(
        BlobProtocol protocol, ResiliencePipeline pipeline, PartUploadClientOptions options, ILogger logger, BlobEndpoint endpoint, string layerId, string dataHandle)
    {
        _protocol = protocol;
        _retry = options.Retry;
        _billingTag = options.BillingTag;
        _logger = logger;
        _endpoint = endpoint;
        _layerId = layerId;
        _dataHandle = dataHandle;
        _budget = new RetryBudget(options.Retry.RetryBudget);
        _runner = new OperationRunner(pipeline, options.Retry.AttemptTimeout, _budget, Error);
    }

    /// <summary>
    /// Writes the blob, or the <paramref name="length"/> bytes from <paramref name="offset"/> (null: to its end), to
    /// <paramref name="destination"/> from its current position; returns the bytes written.
    /// </summary>
    public async Task<long> CopyToAsync(Stream destination, uint? expectedCrc32C, long offset, long? length, CancellationToken cancellationToken)
    {
        var state = new DownloadState { Crc = Crc32C.InitialState, Start = offset, End = length is long count ? offset + count : null };
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int fruitless = 0;
            while (true)
            {
                long before = state.Reached;
                Exception? dropped = await CopyOneResponseAsync(destination, state, buffer, cancellationToken).ConfigureAwait(false);
                if (dropped is null)
                {
                    break;
                }

                fruitless = state.Reached > before ? 0 : fruitless + 1;
                if (fruitless >= _retry.MaxAttempts || !_budget.TryConsume())
                {
                    throw Error(
                        string.Create(CultureInfo.InvariantCulture, $"The download kept dropping; it stopped at byte {state.Position}"),
                        BlobProtocol.OpGet, PartUploadErrorCodes.NetworkError, 0, null, null, dropped as HttpRequestException ?? new HttpRequestException(dropped.Message, dropped));
                }

                Log.DownloadResumed(_logger, _dataHandle, state.Position, _budget.Spent);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        uint crc = ~state.Crc;
        if (expectedCrc32C is uint expected && crc != expected)
        {
            throw Error(
                string.Create(CultureInfo.InvariantCulture, $"The downloaded bytes have CRC-32C {crc:x8}, not the expected {expected:x8}"),
                BlobProtocol.OpGet, PartUploadErrorCodes.DownloadMismatch, 0, null, null, null);
        }

        return state.Reached;
    }

    /// <summary>One request and its body. Returns null when the body was read to its end, or what cut it.</summary>
    private async Task<Exception?> CopyOneResponseAsync(Stream destination, DownloadState state, byte[] buffer, CancellationToken cancellationToken)
    {
        long offset = state.Position;
        string? range = offset == 0 && state.End is null ? null
            : string.Create(CultureInfo.InvariantCulture, $"bytes={offset}-{(state.End is long endByte ? (endByte - 1).ToString(CultureInfo.InvariantCulture) : string.Empty)}");
        using HttpResponseMessage response = await _runner.ExecuteAsync(
            BlobProtocol.OpGet,
            token => _protocol.GetAsync(_endpoint, _layerId, _dataHandle, range, _billingTag, token),
            cancellationToken).ConfigureAwait(false);
        long skip = CheckStart(response, state, ranged: range is not null);
        long? end = ExpectedEnd(response, offset);
        if (state.End is long wanted && state.Total is long total)
        {
            // A range that passes the blob's end stops at its end.
            state.End = Math.Min(wanted, total);
        }

        using var idle = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _protocol.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token);
        try
        {
            Stream body = await response.Content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                while (true)
                {
                    idle.CancelAfter(_retry.AttemptTimeout);
                    int read = await body.ReadAsync(buffer, linked.Token).ConfigureAwait(false);
                    idle.CancelAfter(Timeout.InfiniteTimeSpan);
                    if (read == 0)
                    {
                        break;
                    }

                    int from = (int)Math.Min(skip, read);
                    skip -= from;
                    int take = state.End is long last ? (int)Math.Min(read - from, last - state.Position) : read - from;
                    if (take > 0)
                    {
                        ReadOnlyMemory<byte> chunk = buffer.AsMemory(from, take);
                        await destination.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
                        state.Crc = Crc32C.Update(state.Crc, chunk.Span);
                        state.Reached += chunk.Length;
                    }

                    if (state.End is long stop && state.Position >= stop)
                    {
                        // The range is complete (a service that ignored the range sends more; it is not read).
                        return null;
                    }
                }
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            return ex;
        }
        catch (OperationCanceledException) when (idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new TimeoutException($"The download body stalled for {_retry.AttemptTimeout}");
        }

        return end is long expectedEnd && state.Position < expectedEnd
            ? new IOException("The download body ended before its declared length")
            : null;
    }

    /// <summary>Checks that the answer starts where the download stands; returns how many leading bytes to discard.</summary>
    private long CheckStart(HttpResponseMessage response, DownloadState state, bool ranged)
    {
        long? total = response.StatusCode == HttpStatusCode.PartialContent
            ? response.Content.Headers.ContentRange?.Length
            : response.Content.Headers.ContentLength;
        if (total is long length)
        {
            if (state.Total is long known && known != length)
            {
                throw Malformed("the blob's length changed between two requests of one download");
            }

            state.Total = length;
        }

        if (!ranged)
        {
            return response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NoContent
                ? 0
                : throw Malformed(string.Create(CultureInfo.InvariantCulture, $"status {(int)response.StatusCode} to a GET without a range"));
        }

        return response.StatusCode switch
        {
            // The service ignored the range: the whole blob again, of which the bytes before the position are skipped.
            HttpStatusCode.OK => state.Position,
            HttpStatusCode.PartialContent when response.Content.Headers.ContentRange?.From == state.Position => 0,
            _ => throw Malformed("the answer to a ranged GET does not start at the byte requested"),
        };
    }

    private static long? ExpectedEnd(HttpResponseMessage response, long offset) =>
        response.Content.Headers.ContentLength is long length
            ? (response.StatusCode == HttpStatusCode.PartialContent ? offset + length : length)
            : null;

    private PartUploadException Malformed(string what) =>
        Error($"The service's answer to {BlobProtocol.OpGet} is malformed: {what}", BlobProtocol.OpGet, PartUploadErrorCodes.MalformedResponse, 0, null, null, null);

    private PartUploadException Error(string summary, string operation, string? code, int status, int? partNumber, ServiceError? service, Exception? inner) =>
        OperationRunner.DefaultError(summary, operation, code, status, partNumber, service, inner, _dataHandle);

    private sealed class DownloadState
    {
        /// <summary>Gets the first byte of the blob to download.</summary>
        public long Start { get; init; }

        /// <summary>Gets or sets the byte after the last one to download, or null for the blob's end.</summary>
        public long? End { get; set; }

        /// <summary>Gets or sets the bytes written so far.</summary>
        public long Reached { get; set; }

        /// <summary>Gets the next byte of the blob to write.</summary>
        public long Position => Start + Reached;

        public long? Total { get; set; }

        public uint Crc { get; set; }
    }
}
