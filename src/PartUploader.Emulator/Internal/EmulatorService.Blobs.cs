using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace PartUploader.Emulator.Internal;

internal sealed partial class EmulatorService
{
    private static readonly TimeSpan s_storageUrlLifetime = TimeSpan.FromMinutes(15);

    /// <summary>PUT .../data/{handle} (spec 3).</summary>
    public async Task PutBlobAsync(HttpContext context)
    {
        BlobRoute? route = await ValidateBlobRouteAsync(context).ConfigureAwait(false);
        if (route is null)
        {
            return;
        }

        if (!SameMediaType(context.Request.ContentType, route.Layer.ContentType))
        {
            await BlobErrorAsync(context, Options.ContentTypeMismatchStatus, "E_BLOB_CONTENT_TYPE_MISMATCH", "The Content-Type does not match the layer's content type.").ConfigureAwait(false);
            return;
        }

        string? encoding = context.Request.Headers.ContentEncoding.Count > 0 ? context.Request.Headers.ContentEncoding.ToString() : null;
        if (!EncodingAccepted(encoding, route.Layer.ContentEncoding))
        {
            await BlobErrorAsync(context, 400, "E_BLOB_CONTENT_ENCODING_MISMATCH", "The Content-Encoding does not match the layer's content encoding.").ConfigureAwait(false);
            return;
        }

        long? length = await ValidateContentLengthAsync(context).ConfigureAwait(false);
        if (length is null)
        {
            return;
        }

        if (_blobs.ContainsKey(route.Key))
        {
            await BlobErrorAsync(context, 409, "E_BLOB_DATA_HANDLE_EXISTS", "The data handle already holds a blob.").ConfigureAwait(false);
            return;
        }

        (bool digestOk, DigestCheck? digest) = await ParseDigestAsync(context).ConfigureAwait(false);
        if (!digestOk)
        {
            return;
        }

        using (digest)
        {
            string? path = Options.DiscardData ? null : NewFilePath("blobs", ".blob");
            ReceivedBody received;
            try
            {
                received = await BodyReceiver.ReceiveAsync(context.Request.Body, path, length.Value, digest, State(context).CorruptStoredBytes, context.RequestAborted).ConfigureAwait(false);
            }
            catch
            {
                TryDelete(path);
                throw;
            }

            if (!received.DigestMatches)
            {
                TryDelete(path);
                await BlobErrorAsync(context, 400, "E_BLOB_DIGEST_MISMATCH", "The X-HERE-Digest does not match the bytes received.").ConfigureAwait(false);
                return;
            }

            RegisterBlob(route.Key, received.Length, received.Crc32C, route.Layer.ContentType, encoding, path is null ? null : [new BlobSegment(path, received.Length)], Clock.GetUtcNow(), out bool added);
            if (!added)
            {
                TryDelete(path);
                await BlobErrorAsync(context, 409, "E_BLOB_DATA_HANDLE_EXISTS", "The data handle already holds a blob.").ConfigureAwait(false);
                return;
            }

            context.Response.StatusCode = 200;
            context.Response.ContentLength = 0;
        }
    }

    /// <summary>HEAD .../data/{handle} (spec 3).</summary>
    public async Task HeadBlobAsync(HttpContext context)
    {
        BlobRoute? route = await ValidateBlobRouteAsync(context).ConfigureAwait(false);
        if (route is null)
        {
            return;
        }

        BlobEntry? entry = FindVisibleBlob(route.CatalogHrn, route.Layer.Id, route.DataHandle);
        if (entry is null)
        {
            context.Response.StatusCode = 404;
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = entry.ContentType;
        context.Response.ContentLength = entry.Length;
        context.Response.Headers.ETag = entry.ETag;
        context.Response.Headers.AcceptRanges = "bytes";
    }

    /// <summary>GET .../data/{handle} (spec 3), with Range and the storage redirect.</summary>
    public async Task GetBlobAsync(HttpContext context)
    {
        BlobRoute? route = await ValidateBlobRouteAsync(context).ConfigureAwait(false);
        if (route is null)
        {
            return;
        }

        BlobEntry? entry = FindVisibleBlob(route.CatalogHrn, route.Layer.Id, route.DataHandle);
        if (entry is null)
        {
            await BlobErrorAsync(context, 404, "E_BLOB_NOT_FOUND", "The blob does not exist.").ConfigureAwait(false);
            return;
        }

        if (string.Equals(context.Request.Query["accessType"], "storageLayerAccess", StringComparison.Ordinal))
        {
            long expires = Clock.GetUtcNow().Add(s_storageUrlLifetime).ToUnixTimeSeconds();
            string signature = SignStorageUrl(entry.StorageKey, expires);
            context.Response.StatusCode = 307;
            context.Response.Headers.Location = $"{context.Request.Scheme}://localhost:{ServiceUrl.Port}/_storage/{entry.StorageKey}?expires={expires}&signature={signature}";
            return;
        }

        string? range = context.Request.Headers.Range.Count > 0 ? context.Request.Headers.Range.ToString() : context.Request.Query["range"].ToString();
        await ServeBlobAsync(context, entry, range).ConfigureAwait(false);
    }

    /// <summary>DELETE .../data/{handle} (spec 3): 202 on index layers, 403 elsewhere.</summary>
    public async Task DeleteBlobAsync(HttpContext context)
    {
        BlobRoute? route = await ValidateBlobRouteAsync(context).ConfigureAwait(false);
        if (route is null)
        {
            return;
        }

        if (route.Layer.LayerType != EmulatorLayerType.Index)
        {
            await BlobErrorAsync(context, 403, "E_BLOB_DELETE_NOT_ALLOWED", "Blobs can be deleted from index layers only.").ConfigureAwait(false);
            return;
        }

        BlobEntry? entry = FindVisibleBlob(route.CatalogHrn, route.Layer.Id, route.DataHandle);
        if (entry is null)
        {
            await BlobErrorAsync(context, 404, "E_BLOB_NOT_FOUND", "The blob does not exist.").ConfigureAwait(false);
            return;
        }

        // The handle stays used (spec 1: once used, never again), so the entry becomes a tombstone.
        entry.Deleted = true;
        _storageKeys.TryRemove(entry.StorageKey, out _);
        foreach (BlobSegment segment in entry.Segments ?? [])
        {
            TryDelete(segment.Path);
        }
        context.Response.StatusCode = 202;
    }

    /// <summary>GET /_storage/{key}: the redirect target; refuses any Authorization header.</summary>
    public async Task StorageGetAsync(HttpContext context)
    {
        if (context.Request.Headers.Authorization.Count > 0)
        {
            await BlobErrorAsync(context, 400, "E_STORAGE_AUTHORIZATION_NOT_ALLOWED", "The storage URL is pre-signed; do not send an Authorization header.").ConfigureAwait(false);
            return;
        }

        string key = RouteValue(context, "storageKey");
        string expiresText = context.Request.Query["expires"].ToString();
        string signature = context.Request.Query["signature"].ToString();
        if (!long.TryParse(expiresText, NumberStyles.None, CultureInfo.InvariantCulture, out long expires)
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(SignStorageUrl(key, expires)), Encoding.ASCII.GetBytes(signature))
            || Clock.GetUtcNow().ToUnixTimeSeconds() > expires
            || !_storageKeys.TryGetValue(key, out (string Key, BlobEntry Entry) target)
            || !target.Entry.IsVisible(Clock.GetUtcNow()))
        {
            await BlobErrorAsync(context, 403, "E_STORAGE_ACCESS_DENIED", "The storage URL is invalid or expired.").ConfigureAwait(false);
            return;
        }

        string? range = context.Request.Headers.Range.Count > 0 ? context.Request.Headers.Range.ToString() : null;
        await ServeBlobAsync(context, target.Entry, range).ConfigureAwait(false);
    }

    private async Task ServeBlobAsync(HttpContext context, BlobEntry entry, string? range)
    {
        if (entry.Segments is null)
        {
            await BlobErrorAsync(context, 501, "E_EMULATOR_DISCARD_MODE", "The emulator runs in discard mode and kept no bytes.").ConfigureAwait(false);
            return;
        }

        HttpResponse response = context.Response;
        response.Headers.AcceptRanges = "bytes";
        response.Headers.ETag = entry.ETag;
        switch (RangeRequest.Parse(range, entry.Length, out long offset, out long count))
        {
            case RangeRequest.Outcome.Invalid:
                await BlobErrorAsync(context, 400, "E_BLOB_INVALID_RANGE", "Only one range of the form bytes=a-b, bytes=a- or bytes=-n is supported.").ConfigureAwait(false);
                return;
            case RangeRequest.Outcome.Unsatisfiable:
                response.Headers.ContentRange = $"bytes */{entry.Length}";
                await BlobErrorAsync(context, 416, "E_BLOB_RANGE_NOT_SATISFIABLE", "The range is outside the blob.").ConfigureAwait(false);
                return;
            case RangeRequest.Outcome.Range:
                response.StatusCode = 206;
                response.Headers.ContentRange = $"bytes {offset}-{offset + count - 1}/{entry.Length}";
                break;
            default:
                if (entry.Length == 0)
                {
                    response.StatusCode = 204;
                    return;
                }

                response.StatusCode = 200;
                break;
        }

        response.ContentType = entry.ContentType;
        if (entry.ContentEncoding is not null)
        {
            response.Headers.ContentEncoding = entry.ContentEncoding;
        }

        response.ContentLength = count;
        RequestState state = State(context);
        long sent = state.ResetResponseAfter is long cut && cut < count ? cut : count;
        long segmentStart = 0;
        foreach (BlobSegment segment in entry.Segments)
        {
            long from = Math.Max(offset, segmentStart);
            long to = Math.Min(offset + sent, segmentStart + segment.Length);
            if (from < to)
            {
                await response.SendFileAsync(segment.Path, from - segmentStart, to - from, context.RequestAborted).ConfigureAwait(false);
            }

            segmentStart += segment.Length;
        }

        if (sent < count)
        {
            // ResetAfterBytes on a GET: the response declared the full length but ends after `sent` bytes. Kestrel sends
            // what was written, then closes the connection (too few bytes for the Content-Length), so the client reads
            // exactly `sent` bytes and then sees the connection end early.
            await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            state.ConnectionReset = true;
        }
    }

    private string SignStorageUrl(string key, long expires) =>
        TokenStore.Base64Url(HMACSHA256.HashData(_storageSigningKey, Encoding.UTF8.GetBytes(key + "\n" + expires.ToString(CultureInfo.InvariantCulture))));
}
