using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace PartUploader.Emulator.Internal;

/// <summary>Writes error replies in the formats of spec sections 1 (blob, U9), 7 (lookup) and 8 (account), and of the data APIs (spec publish-v2 1.7).</summary>
internal static class ErrorWriter
{
    /// <summary>A blob-service error, in the format the U9 switch selects.</summary>
    public static Task WriteBlobAsync(HttpContext context, ErrorBodyFormat format, int status, string code, string cause, string? action = null)
    {
        HttpResponse response = context.Response;
        if (response.HasStarted)
        {
            return Task.CompletedTask;
        }

        response.StatusCode = status;
        string title = ReasonPhrase(status);
        switch (format)
        {
            case ErrorBodyFormat.None:
                response.ContentLength = 0;
                return Task.CompletedTask;
            case ErrorBodyFormat.PlainText:
                response.ContentType = "text/plain; charset=utf-8";
                return response.WriteAsync($"{status} {title}: {cause}", context.RequestAborted);
            default:
                string correlationId = context.TraceIdentifier;
                response.Headers[ServiceLimits.CorrelationHeader] = correlationId;
                response.ContentType = "application/json";
                return response.WriteAsync(
                    JsonSerializer.Serialize(new BlobError(title, status, code, cause, action ?? DefaultAction(status), correlationId), EmulatorJsonContext.Default.BlobError),
                    context.RequestAborted);
        }
    }

    /// <summary>A publish, metadata, query, index or config error: <c>{"title","status","detail"?:[{"name","error"}]}</c> (spec publish-v2 1.7, 4).</summary>
    public static Task WriteDataApiAsync(HttpContext context, int status, string title, IReadOnlyList<Catalogs.ProblemDetailWire>? detail)
    {
        HttpResponse response = context.Response;
        if (response.HasStarted)
        {
            return Task.CompletedTask;
        }

        response.StatusCode = status;
        response.Headers[ServiceLimits.CorrelationHeader] = context.TraceIdentifier;
        response.ContentType = "application/json";
        return response.WriteAsync(
            JsonSerializer.Serialize(new Catalogs.ProblemWire(title, status, detail), Catalogs.DataApiJsonContext.Default.ProblemWire),
            context.RequestAborted);
    }

    /// <summary>A lookup-service error: <c>{"code","message","description"}</c>.</summary>
    public static Task WriteLookupAsync(HttpContext context, int status, string message, string description)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(
            JsonSerializer.Serialize(new LookupError(status.ToString(CultureInfo.InvariantCulture), message, description), EmulatorJsonContext.Default.LookupError),
            context.RequestAborted);
    }

    /// <summary>A HERE account error: <c>{"errorId","httpStatus","errorCode","message"}</c>.</summary>
    public static Task WriteAccountAsync(HttpContext context, int status, int errorCode, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        string errorId = "ERROR-" + context.TraceIdentifier;
        return context.Response.WriteAsync(
            JsonSerializer.Serialize(new AccountError(errorId, status, errorCode, message), EmulatorJsonContext.Default.AccountError),
            context.RequestAborted);
    }

    public static string ReasonPhrase(int status) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error";

    private static string DefaultAction(int status) => status switch
    {
        401 => "Obtain a new access token and retry.",
        403 => "Use credentials that may access this catalog.",
        404 => "Check the catalog, layer, data handle and upload link.",
        409 => "Use a data handle that was never used in this layer.",
        413 => "Send less data in one request.",
        429 or 503 => "Retry later, honouring Retry-After.",
        >= 500 => "Retry the request.",
        _ => "Fix the request and send it again.",
    };
}

internal sealed record BlobError(string Title, int Status, string Code, string Cause, string Action, string CorrelationId);

internal sealed record LookupError(string Code, string Message, string Description);

internal sealed record AccountError(string ErrorId, int HttpStatus, int ErrorCode, string Message);
