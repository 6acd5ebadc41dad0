using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace PartUploader.Emulator.Internal;

internal sealed partial class EmulatorService
{
    private const int MaxJsonBody = 4 * 1024 * 1024;

    /// <summary>POST .../data/{handle}/multiparts (spec 2.1).</summary>
    public async Task StartMultipartAsync(HttpContext context)
    {
        BlobRoute? route = await ValidateBlobRouteAsync(context).ConfigureAwait(false);
        if (route is null)
        {
            return;
        }

        using JsonDocument? body = await ReadJsonAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            return;
        }

        JsonElement root = body.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("contentType", out JsonElement contentTypeElement)
            || contentTypeElement.ValueKind != JsonValueKind.String)
        {
            await BlobErrorAsync(context, 400, "E_BLOB_INVALID_REQUEST", "The body must be a JSON object with a string contentType.").ConfigureAwait(false);
            return;
        }

        string contentType = contentTypeElement.GetString()!;
        if (!SameMediaType(contentType, route.Layer.ContentType))
        {
            await BlobErrorAsync(context, Options.ContentTypeMismatchStatus, "E_BLOB_CONTENT_TYPE_MISMATCH", "The contentType does not match the layer's content type.").ConfigureAwait(false);
            return;
        }

        string? contentEncoding = null;
        if (root.TryGetProperty("contentEncoding", out JsonElement encodingElement) && encodingElement.ValueKind != JsonValueKind.Null)
        {
            contentEncoding = encodingElement.ValueKind == JsonValueKind.String ? encodingElement.GetString() : null;
            if (contentEncoding is null || !EncodingAccepted(contentEncoding, route.Layer.ContentEncoding))
            {
                await BlobErrorAsync(context, 400, "E_BLOB_CONTENT_ENCODING_MISMATCH", "The contentEncoding does not match the layer's content encoding.").ConfigureAwait(false);
                return;
            }
        }

        if (_blobs.ContainsKey(route.Key))
        {
            await BlobErrorAsync(context, 409, "E_BLOB_DATA_HANDLE_EXISTS", "The data handle already holds a blob.").ConfigureAwait(false);
            return;
        }

        string id = TokenStore.Base64Url(RandomNumberGenerator.GetBytes(24)).Replace('_', 'x').Replace('-', 'y');
        UploadSession session = new(Interlocked.Increment(ref _uploadSequence), id, route.CatalogHrn, route.Layer.Id, route.DataHandle, contentType, contentEncoding, Clock.GetUtcNow());
        _uploads[id] = session;
        State(context).UploadId = id;

        string origin = Options.RelativeLinks ? string.Empty : $"{context.Request.Scheme}://{context.Request.Host}";
        string basePath = $"{origin}{context.Request.PathBase}{context.Request.Path}/{id}";
        StartResponse response = new(new StartLinks(
            new LinkModel(basePath + "/parts", "POST"),
            new LinkModel(basePath, "PUT"),
            new LinkModel(basePath, "GET"),
            new LinkModel(basePath, "DELETE")));
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(response, EmulatorJsonContext.Default.StartResponse), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>POST .../multiparts/{token}/parts?partNumber=N (spec 2.2).</summary>
    public async Task UploadPartAsync(HttpContext context)
    {
        BlobRoute? route = await ValidateBlobRouteAsync(context).ConfigureAwait(false);
        if (route is null)
        {
            return;
        }

        UploadSession? session = FindSession(context, route);
        if (session is null || !IsOpen(session))
        {
            await BlobErrorAsync(context, 404, "E_BLOB_UPLOAD_NOT_FOUND", "The multipart upload does not exist.").ConfigureAwait(false);
            return;
        }

        string? numberText = SingleQueryValue(context.Request, "partNumber", out bool repeated);
        if (numberText is null || repeated || !TryParsePartNumber(numberText, out int number))
        {
            await BlobErrorAsync(context, 400, "E_BLOB_INVALID_PART_NUMBER", "The query parameter partNumber is required: a decimal integer from 1 to 10000.").ConfigureAwait(false);
            return;
        }

        RequestState state = State(context);

        if (!SameMediaType(context.Request.ContentType, session.ContentType))
        {
            await BlobErrorAsync(context, Options.ContentTypeMismatchStatus, "E_BLOB_CONTENT_TYPE_MISMATCH", "The part's Content-Type does not match the contentType of the start call.").ConfigureAwait(false);
            return;
        }

        long? length = await ValidateContentLengthAsync(context).ConfigureAwait(false);
        if (length is null)
        {
            return;
        }

        (bool digestOk, DigestCheck? digest) = await ParseDigestAsync(context).ConfigureAwait(false);
        if (!digestOk)
        {
            return;
        }

        using (digest)
        {
            string? path = Options.DiscardData ? null : Path.Combine(DataDirectory, "uploads", $"{session.Id}-{number}-{Interlocked.Increment(ref _fileSequence)}.part");
            ReceivedBody received;
            try
            {
                received = await BodyReceiver.ReceiveAsync(context.Request.Body, path, length.Value, digest, state.CorruptStoredBytes, context.RequestAborted).ConfigureAwait(false);
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

            string etag = NewETag();
            string? replaced;
            lock (session.Gate)
            {
                if (session.State != UploadState.Open || session.Completing)
                {
                    replaced = path;
                    etag = string.Empty;
                }
                else
                {
                    replaced = session.Parts.TryGetValue(number, out StoredPart? old) ? old.FilePath : null;
                    session.Parts[number] = new StoredPart(number, etag, received.Length, received.Crc32C, path);
                }
            }

            TryDelete(replaced);
            if (etag.Length == 0)
            {
                await BlobErrorAsync(context, 404, "E_BLOB_UPLOAD_NOT_FOUND", "The multipart upload does not exist.").ConfigureAwait(false);
                return;
            }

            context.Response.StatusCode = 200;
            context.Response.Headers.ETag = etag;
            context.Response.ContentLength = 0;
        }
    }

    /// <summary>GET .../multiparts/{token} (spec 2.4).</summary>
    public async Task GetStatusAsync(HttpContext context)
    {
        BlobRoute? route = await ValidateBlobRouteAsync(context).ConfigureAwait(false);
        if (route is null)
        {
            return;
        }

        UploadSession? session = FindSession(context, route);
        string? status = null;
        if (session is not null)
        {
            lock (session.Gate)
            {
                if (session.State is UploadState.Completed or UploadState.Failed)
                {
                    status = Clock.GetUtcNow() < session.ProcessingUntil ? "processing"
                        : session.State == UploadState.Completed ? "completed" : "failed";
                }
                else if (session.State == UploadState.Open && session.Completing)
                {
                    // A complete call was accepted and the blob is being assembled.
                    status = "processing";
                }
            }
        }

        if (status is null && Options.StatusOfUnknownUpload == UnknownUploadStatus.Processing)
        {
            status = "processing";
        }

        if (status is null)
        {
            await BlobErrorAsync(context, 404, "E_BLOB_UPLOAD_NOT_FOUND", "The multipart upload does not exist.").ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new StatusResponse(status), EmulatorJsonContext.Default.StatusResponse), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>DELETE .../multiparts/{token} (spec 2.5).</summary>
    public async Task CancelMultipartAsync(HttpContext context)
    {
        BlobRoute? route = await ValidateBlobRouteAsync(context).ConfigureAwait(false);
        if (route is null)
        {
            return;
        }

        UploadSession? session = FindSession(context, route);
        List<string?> files = [];
        bool cancelled = false;
        if (session is not null)
        {
            lock (session.Gate)
            {
                if (session.State == UploadState.Open && !session.Completing)
                {
                    session.State = UploadState.Cancelled;
                    files.AddRange(session.Parts.Values.Select(p => p.FilePath));
                    session.Parts.Clear();
                    cancelled = true;
                }
            }
        }

        if (!cancelled)
        {
            await BlobErrorAsync(context, 404, "E_BLOB_UPLOAD_NOT_FOUND", "The multipart upload does not exist.").ConfigureAwait(false);
            return;
        }

        files.ForEach(TryDelete);
        context.Response.StatusCode = 204;
    }

    private async Task<JsonDocument?> ReadJsonAsync(HttpContext context)
    {
        string mediaType = (context.Request.ContentType ?? string.Empty).Split(';')[0].Trim();
        if (!string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            await BlobErrorAsync(context, 415, "E_BLOB_UNSUPPORTED_MEDIA_TYPE", "The body must be sent as application/json.").ConfigureAwait(false);
            return null;
        }

        if (context.Request.ContentLength is > MaxJsonBody)
        {
            await BlobErrorAsync(context, 413, "E_BLOB_TOO_LARGE", "The JSON body is too large.").ConfigureAwait(false);
            return null;
        }

        using MemoryStream buffer = new();
        byte[] chunk = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxJsonBody)
            {
                await BlobErrorAsync(context, 413, "E_BLOB_TOO_LARGE", "The JSON body is too large.").ConfigureAwait(false);
                return null;
            }
        }

        try
        {
            return JsonDocument.Parse(buffer.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException)
        {
            await BlobErrorAsync(context, 400, "E_BLOB_INVALID_JSON", "The body is not valid JSON.").ConfigureAwait(false);
            return null;
        }
    }

    private UploadSession? FindSession(HttpContext context, BlobRoute route)
    {
        string token = RouteValue(context, "uploadToken");
        State(context).UploadId = token;
        return _uploads.TryGetValue(token, out UploadSession? session)
            && session.CatalogHrn == route.CatalogHrn && session.LayerId == route.Layer.Id && session.DataHandle == route.DataHandle
            ? session
            : null;
    }

    private static bool IsOpen(UploadSession session)
    {
        lock (session.Gate)
        {
            return session.State == UploadState.Open;
        }
    }

    public static bool TryParsePartNumber(string text, out int number)
    {
        number = 0;
        if (text.Length is 0 or > 5 || !text.All(char.IsAsciiDigit))
        {
            return false;
        }

        number = int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        return number is >= 1 and <= ServiceLimits.MaxPartNumber;
    }

    private string NewETag()
    {
        string hex = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return Options.QuotedETags ? "\"" + hex + "\"" : hex;
    }
}
