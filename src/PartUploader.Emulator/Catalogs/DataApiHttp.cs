using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using PartUploader.Emulator.Internal;

namespace PartUploader.Emulator.Catalogs;

/// <summary>A data-API error a handler answers with: status, title and one <c>detail</c> entry.</summary>
internal sealed record DataApiError(int Status, string Title, string? Name = null, string? Error = null)
{
    public static DataApiError BadRequest(string name, string error) => new(400, "Bad Request", name, error);

    public static DataApiError NotFound(string name, string error) => new(404, "Not Found", name, error);

    public static DataApiError Conflict(string name, string error) => new(409, "Conflict", name, error);

    public static DataApiError WithStatus(int status, string name, string error) => new(status, ErrorWriter.ReasonPhrase(status), name, error);

    public Task WriteAsync(HttpContext context) =>
        ErrorWriter.WriteDataApiAsync(context, Status, Title, Name is null ? null : [new ProblemDetailWire(Name, Error ?? string.Empty)]);
}

/// <summary>Reading JSON bodies and writing JSON answers for the data-API handlers.</summary>
internal static class DataApiHttp
{
    /// <summary>Reads and parses the JSON body (at most <see cref="DataApiLimits.MaxJsonBody"/> bytes); writes 413/400 and returns null on failure.</summary>
    public static async Task<JsonDocument?> ReadJsonAsync(HttpContext context)
    {
        if (context.Request.ContentLength is > DataApiLimits.MaxJsonBody)
        {
            await TooLargeAsync(context).ConfigureAwait(false);
            return null;
        }

        using MemoryStream buffer = new();
        byte[] chunk = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > DataApiLimits.MaxJsonBody)
            {
                await TooLargeAsync(context).ConfigureAwait(false);
                return null;
            }
        }

        try
        {
            return JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
        }
        catch (JsonException)
        {
            await DataApiError.BadRequest("body", "The request body is not valid JSON.").WriteAsync(context).ConfigureAwait(false);
            return null;
        }
    }

    public static Task WriteJsonAsync<T>(HttpContext context, int status, T value, JsonTypeInfo<T> typeInfo)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(value, typeInfo), context.RequestAborted);
    }

    /// <summary>Finds the route's catalog; writes 404 and returns null when it is not configured.</summary>
    public static async Task<CatalogState?> FindCatalogAsync(HttpContext context, CatalogStore store)
    {
        string hrn = RouteValue(context, "hrn");
        CatalogState? catalog = store.Find(hrn);
        if (catalog is null)
        {
            await DataApiError.NotFound("catalogHrn", $"Catalog {hrn} does not exist.").WriteAsync(context).ConfigureAwait(false);
        }

        return catalog;
    }

    public static string RouteValue(HttpContext context, string name) =>
        context.Request.RouteValues.TryGetValue(name, out object? value) ? value as string ?? string.Empty : string.Empty;

    private static Task TooLargeAsync(HttpContext context) =>
        new DataApiError(413, "Payload Too Large", "body", $"A JSON request body may hold at most {DataApiLimits.MaxJsonBody} bytes.").WriteAsync(context);
}
