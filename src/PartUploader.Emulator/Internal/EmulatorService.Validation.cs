using Microsoft.AspNetCore.Http;

namespace PartUploader.Emulator.Internal;

/// <summary>A validated blob route.</summary>
internal sealed record BlobRoute(string CatalogHrn, EmulatorLayer Layer, string DataHandle)
{
    public string Key => EmulatorService.BlobKey(CatalogHrn, Layer.Id, DataHandle);
}

internal sealed partial class EmulatorService
{
    /// <summary>Checks catalog (404), layer (404), data handle (400) and billing tag (400); writes the error and returns null on failure.</summary>
    private async Task<BlobRoute?> ValidateBlobRouteAsync(HttpContext context)
    {
        string hrn = RouteValue(context, "hrn");
        string layerId = RouteValue(context, "layerId");
        string handle = RouteValue(context, "dataHandle");
        if (!_catalogs.TryGetValue(hrn, out Dictionary<string, EmulatorLayer>? layers))
        {
            await BlobErrorAsync(context, 404, "E_BLOB_CATALOG_NOT_FOUND", "The catalog does not exist.").ConfigureAwait(false);
            return null;
        }

        if (!layers.TryGetValue(layerId, out EmulatorLayer? layer))
        {
            await BlobErrorAsync(context, 404, "E_BLOB_LAYER_NOT_FOUND", "The layer does not exist in the catalog.").ConfigureAwait(false);
            return null;
        }

        if (!ServiceLimits.IsValidDataHandle(handle, Options.MaxDataHandleLength))
        {
            await BlobErrorAsync(context, 400, "E_BLOB_INVALID_DATA_HANDLE", $"The data handle must match [0-9A-Za-z.-]{{1,{Options.MaxDataHandleLength}}}.").ConfigureAwait(false);
            return null;
        }

        if (context.Request.Query.TryGetValue("billingTag", out Microsoft.Extensions.Primitives.StringValues tags)
            && (tags.Count != 1 || !ServiceLimits.IsValidBillingTag(tags[0] ?? string.Empty)))
        {
            await BlobErrorAsync(context, 400, "E_BLOB_INVALID_BILLING_TAG", "The billingTag must be 4 to 16 characters of [A-Za-z0-9].").ConfigureAwait(false);
            return null;
        }

        return new BlobRoute(hrn, layer, handle);
    }

    /// <summary>Checks Content-Length: required (411) and at most 5 GiB (413).</summary>
    private async Task<long?> ValidateContentLengthAsync(HttpContext context)
    {
        long? length = context.Request.ContentLength;
        if (length is null)
        {
            await BlobErrorAsync(context, 411, "E_BLOB_LENGTH_REQUIRED", "Content-Length is required; chunked transfer is not supported.").ConfigureAwait(false);
            return null;
        }

        if (length.Value > ServiceLimits.MaxPartSize)
        {
            await BlobErrorAsync(context, 413, "E_BLOB_TOO_LARGE", "A part or single upload may hold at most 5 GiB.").ConfigureAwait(false);
            return null;
        }

        return length;
    }

    /// <summary>Parses the optional digest header; writes 400 and returns false when it is malformed.</summary>
    private async Task<(bool Ok, DigestCheck? Check)> ParseDigestAsync(HttpContext context)
    {
        Microsoft.Extensions.Primitives.StringValues values = context.Request.Headers[ServiceLimits.DigestHeader];
        if (values.Count == 0)
        {
            return (true, null);
        }

        string? error = "Send one X-HERE-Digest header.";
        DigestCheck? check = values.Count == 1 ? DigestCheck.TryCreate(values[0] ?? string.Empty, Options.AcceptDigestAliases, out error) : null;
        if (check is null)
        {
            await BlobErrorAsync(context, 400, "E_BLOB_INVALID_DIGEST", error ?? "Invalid X-HERE-Digest header.").ConfigureAwait(false);
            return (false, null);
        }

        return (true, check);
    }

    private static bool SameMediaType(string? sent, string expected) =>
        sent is not null && string.Equals(sent.Trim(), expected, StringComparison.OrdinalIgnoreCase);

    private static bool EncodingAccepted(string? sent, string? layerEncoding)
    {
        if (string.IsNullOrEmpty(sent))
        {
            return true;
        }

        if (layerEncoding is null)
        {
            return string.Equals(sent, "identity", StringComparison.OrdinalIgnoreCase);
        }

        return string.Equals(sent, layerEncoding, StringComparison.OrdinalIgnoreCase);
    }

    private Task BlobErrorAsync(HttpContext context, int status, string code, string cause) =>
        ErrorWriter.WriteBlobAsync(context, Options.ErrorBodyFormat, status, code, cause);

    private static string RouteValue(HttpContext context, string name) =>
        context.Request.RouteValues.TryGetValue(name, out object? value) ? value as string ?? string.Empty : string.Empty;

    private static RequestState State(HttpContext context) =>
        context.Features.Get<RequestState>() ?? new RequestState();
}
