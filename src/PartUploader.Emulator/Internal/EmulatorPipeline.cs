using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;

namespace PartUploader.Emulator.Internal;

/// <summary>
/// The middleware around every request: journal, WAN simulation, capacity limit, fault injection and bearer authorization.
/// Runs after routing, so the endpoint's <see cref="OperationMetadata"/> is known.
/// </summary>
internal sealed class EmulatorPipeline
{
    private static readonly HashSet<string> s_maskedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Api-Key", "Api-Key",
    };

    private readonly EmulatorService _service;

    public EmulatorPipeline(EmulatorService service) => _service = service;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        BlobEmulatorOptions options = _service.Options;
        long started = Stopwatch.GetTimestamp();
        long sequence = _service.Journal.NextSequence();
        DateTimeOffset timestamp = options.TimeProvider.GetUtcNow();
        OperationMetadata? metadata = context.GetEndpoint()?.Metadata.GetMetadata<OperationMetadata>();
        RequestState state = new()
        {
            Operation = metadata?.Operation,
            UploadId = context.Request.RouteValues.TryGetValue("uploadToken", out object? token) ? token as string : null,
        };
        context.Features.Set(state);

        BodyMeter meter = new(context.Request.Body, options.TimeProvider, context.Abort)
        {
            BytesPerSecond = options.BandwidthBytesPerSecondPerConnection,
        };
        context.Request.Body = meter;
        state.Body = meter;
        context.Response.Headers.Date = timestamp.ToString("R", CultureInfo.InvariantCulture);

        bool reset = false;
        try
        {
            if (options.Latency is { } latency && latency > TimeSpan.Zero)
            {
                await Task.Delay(latency, options.TimeProvider, context.RequestAborted).ConfigureAwait(false);
            }

            if (options.RequireContentLength && context.Request.ContentLength is null && context.Request.Headers.TransferEncoding.Count > 0)
            {
                // A gateway's rule: a body must declare its length; chunked transfer encoding is refused before anything else.
                await ErrorWriter.WriteBlobAsync(context, options.ErrorBodyFormat, 411, "E_LENGTH_REQUIRED", "The request body has no Content-Length (chunked transfer encoding is not accepted).").ConfigureAwait(false);
                return;
            }

            if (metadata?.Operation == EmulatorOperation.UploadPart
                && context.Request.Query["partNumber"] is { Count: 1 } numbers
                && EmulatorService.TryParsePartNumber(numbers[0] ?? string.Empty, out int number))
            {
                // Recorded before faults and validation: every number any request carried counts.
                state.PartNumber = number;
                _service.RecordPartNumber(state.UploadId, number);
            }

            // A busy service refuses before reading the body, before faults and authorization.
            if (!await CapacityGate.TryAdmitAsync(context, state, _service.Load, options).ConfigureAwait(false))
            {
                Log.FaultApplied(_service.Logger, CapacityGate.FaultName, state.Operation, state.UploadId, state.PartNumber);
                return;
            }

            if (metadata is not null && metadata.Operation != EmulatorOperation.Admin && await ApplyFaultAsync(context, state, meter).ConfigureAwait(false))
            {
                reset = state.ConnectionReset;
                return;
            }

            if (metadata is { RequiresBearer: true })
            {
                string? hrn = context.Request.RouteValues.TryGetValue("hrn", out object? h) ? h as string : null;
                int denied = _service.Tokens.Authorize(context.Request.Headers.Authorization.Count == 1 ? context.Request.Headers.Authorization.ToString() : null, hrn);
                if (denied != 0)
                {
                    await WriteAuthErrorAsync(context, metadata.Operation, denied).ConfigureAwait(false);
                    return;
                }
            }

            await next(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsConnectionFailure(ex, context))
        {
            reset = true;
            context.Abort();
            Log.ConnectionReset(_service.Logger, state.Operation, state.UploadId, state.PartNumber);
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            // Never leak details (paths, secrets): a generic 500, and only the exception type in the log.
            Log.RequestFailed(_service.Logger, state.Operation, ex.GetType().Name);
            context.Response.Clear();
            await ErrorWriter.WriteBlobAsync(context, options.ErrorBodyFormat, 500, "E_EMULATOR_INTERNAL", "The emulator failed to handle the request.").ConfigureAwait(false);
        }
        finally
        {
            if (state.CapacitySlot is { HeldByResponse: false } slot)
            {
                // Before the journal entry (tests wait for it) and, for a handler that wrote no body, before the response starts.
                slot.Release();
            }

            int status = reset || state.ConnectionReset || (context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted) ? 0 : context.Response.StatusCode;
            TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
            Log.RequestHandled(_service.Logger, context.Request.Method, state.Operation, status, (long)elapsed.TotalMilliseconds, state.UploadId, state.PartNumber, meter.BytesRead);
            _service.Journal.Add(new JournalEntry
            {
                Sequence = sequence,
                Timestamp = timestamp,
                Method = context.Request.Method,
                Path = context.Request.Path.Value ?? string.Empty,
                Operation = state.Operation,
                UploadId = state.UploadId,
                PartNumber = state.PartNumber,
                ContentLength = context.Request.ContentLength,
                BytesReceived = meter.BytesRead,
                DigestHeader = context.Request.Headers[ServiceLimits.DigestHeader].Count > 0 ? context.Request.Headers[ServiceLimits.DigestHeader].ToString() : null,
                ContentType = context.Request.ContentType,
                StatusCode = status,
                Elapsed = elapsed,
                FaultApplied = state.FaultApplied,
                Headers = MaskHeaders(context.Request.Headers),
                BillingTag = context.Request.Query["billingTag"] is { Count: > 0 } tag ? tag.ToString() : null,
            });
        }
    }

    private static bool IsConnectionFailure(Exception ex, HttpContext context) =>
        ex is IOException or ConnectionResetException or BadHttpRequestException
        || (ex is OperationCanceledException && context.RequestAborted.IsCancellationRequested);

    private static Dictionary<string, string> MaskHeaders(IHeaderDictionary headers)
    {
        Dictionary<string, string> result = new(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> header in headers)
        {
            bool secret = s_maskedHeaders.Contains(header.Key)
                || header.Key.Contains("secret", StringComparison.OrdinalIgnoreCase)
                || header.Key.Contains("token", StringComparison.OrdinalIgnoreCase)
                || header.Key.Contains("signature", StringComparison.OrdinalIgnoreCase);
            string value = header.Value.ToString();
            if (secret)
            {
                int space = value.IndexOf(' ', StringComparison.Ordinal);
                value = space > 0 && space < 16 ? value[..space] + " ***" : "***";
            }

            result[header.Key] = value.Length > 1024 ? value[..1024] + "..." : value;
        }

        return result;
    }

    private Task WriteAuthErrorAsync(HttpContext context, EmulatorOperation operation, int status)
    {
        if (status == 401)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }

        if (operation == EmulatorOperation.Lookup)
        {
            return ErrorWriter.WriteLookupAsync(context, status, status == 401 ? "Unauthorized" : "Forbidden", status == 401 ? "A valid bearer token is required." : "The token may not access this resource.");
        }

        return ErrorWriter.WriteBlobAsync(
            context,
            _service.Options.ErrorBodyFormat,
            status,
            status == 401 ? "E_BLOB_UNAUTHORIZED" : "E_BLOB_FORBIDDEN",
            status == 401 ? "A valid bearer token is required." : "The token may not access this catalog.");
    }

    /// <summary>Evaluates the fault plan; returns true when the fault answered the request itself.</summary>
    private async Task<bool> ApplyFaultAsync(HttpContext context, RequestState state, BodyMeter meter)
    {
        int? partNumber = state.PartNumber;
        string? handle = context.Request.RouteValues.TryGetValue("dataHandle", out object? d) ? d as string : null;
        FaultRule? rule = _service.Faults.Evaluate(new FaultRequest(state.Operation!.Value, partNumber, state.UploadId, handle));
        if (rule is null)
        {
            return false;
        }

        state.FaultApplied = rule.DisplayName;
        Log.FaultApplied(_service.Logger, rule.DisplayName, state.Operation, state.UploadId, state.PartNumber);
        switch (rule.Kind)
        {
            case FaultKind.Status:
                await DrainAsync(meter, context.RequestAborted).ConfigureAwait(false);
                if (rule.RetryAfter is { } retryAfter)
                {
                    context.Response.Headers.RetryAfter = ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }

                await ErrorWriter.WriteBlobAsync(context, _service.Options.ErrorBodyFormat, rule.StatusCode, "E_EMULATOR_FAULT", "Injected fault.").ConfigureAwait(false);
                return true;
            case FaultKind.ResetBeforeBody:
                state.ConnectionReset = true;
                context.Abort();
                return true;
            case FaultKind.ResetAfterBytes when state.Operation is EmulatorOperation.GetBlob or EmulatorOperation.StorageGet:
                // No request body to cut: the served blob's bytes are cut instead (ServeBlobAsync).
                state.ResetResponseAfter = rule.AfterBytes;
                return false;
            case FaultKind.ResetAfterBytes:
                meter.ResetAfter = rule.AfterBytes;
                return false;
            case FaultKind.StallBody:
                meter.StallAfter(rule.AfterBytes, rule.Delay, _service.OnBodyStalled, _service.Stopping);
                return false;
            case FaultKind.DelayResponse:
                TimeSpan delay = rule.Delay;
                TimeProvider clock = _service.Options.TimeProvider;
                CapacitySlot? held = state.CapacitySlot;
                if (held is not null)
                {
                    // A held response is still in flight: the slot is freed when the hold ends, not when the handler returns.
                    held.HeldByResponse = true;
                }

                context.Response.OnStarting(async () =>
                {
                    using CancellationTokenSource linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _service.Stopping);
                    try
                    {
                        await Task.Delay(delay, clock, linked.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        // The client gave up.
                    }
                    finally
                    {
                        held?.Release();
                    }
                });
                return false;
            case FaultKind.FailUpload:
                state.FailUpload = true;
                _service.MarkUploadFailed(state.UploadId);
                return false;
            case FaultKind.ExpireToken:
                _service.Tokens.Revoke(context.Request.Headers.Authorization.ToString());
                await DrainAsync(meter, context.RequestAborted).ConfigureAwait(false);
                await WriteAuthErrorAsync(context, state.Operation.Value, 401).ConfigureAwait(false);
                return true;
            case FaultKind.CorruptStoredBytes:
                state.CorruptStoredBytes = true;
                return false;
            default:
                return false;
        }
    }

    private static async Task DrainAsync(Stream body, CancellationToken cancellationToken)
    {
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
            {
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
