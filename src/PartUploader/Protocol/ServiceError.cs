using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Refit;

namespace PartUploader.Internal.Protocol;

/// <summary>The non-secret facts of a failed response: status, Retry-After, and what the error body and headers say.</summary>
/// <param name="Status">The HTTP status, or 0.</param>
/// <param name="Code">The service's error code, sanitized.</param>
/// <param name="Title">The service's error title, sanitized.</param>
/// <param name="CorrelationId">The service's correlation id, sanitized.</param>
/// <param name="RetryAfter">How long the service asked to wait (its <c>Retry-After</c>).</param>
/// <param name="WindowWaits">
/// True when the request's window took this throttled answer as its shared cooldown: the retry waits in the window, so
/// the retry strategy adds no delay of its own (one wait, not two).
/// </param>
internal readonly record struct ServiceError(int Status, string? Code, string? Title, string? CorrelationId, TimeSpan? RetryAfter, bool WindowWaits = false)
{
    private const int MaxErrorBodyChars = 16 * 1024;

    /// <summary>The facts of an error with what the service said of it: its title and correlation id.</summary>
    public ErrorFacts Describe(ErrorFacts facts) => facts with { Title = Title, CorrelationId = CorrelationId };

    public static ServiceError From(IApiResponse response, TimeProvider timeProvider)
    {
        string? content = (response.Error as ApiException)?.Content;
        return From((int)(response.StatusCode ?? 0), response.Headers, content, timeProvider) with
        {
            WindowWaits = RequestWindow.CooldownTaken(response.RequestMessage),
        };
    }

    public static ServiceError From(int status, HttpResponseHeaders? headers, string? body, TimeProvider timeProvider)
    {
        string? correlationId = null;
        if (headers is not null && headers.TryGetValues(BlobHeaders.CorrelationId, out IEnumerable<string>? values))
        {
            correlationId = Sanitize(values.FirstOrDefault());
        }

        string? code = null;
        string? title = null;
        if (!string.IsNullOrWhiteSpace(body) && body.Length <= MaxErrorBodyChars && body.TrimStart().StartsWith('{'))
        {
            try
            {
                ServiceErrorBody? parsed = JsonSerializer.Deserialize(body, BlobJsonContext.Default.ServiceErrorBody);
                code = Sanitize(parsed?.Code?.Value);
                title = Sanitize(parsed?.Title);
                correlationId ??= Sanitize(parsed?.CorrelationId);
            }
            catch (JsonException)
            {
                // A body is optional and may be anything (spec 1): never depend on it.
            }
        }

        return new ServiceError(status, code, title, correlationId, GetRetryAfter(headers, timeProvider));
    }

    public static TimeSpan? GetRetryAfter(HttpResponseHeaders? headers, TimeProvider timeProvider)
    {
        RetryConditionHeaderValue? retryAfter = headers?.RetryAfter;
        if (retryAfter?.Delta is TimeSpan delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (retryAfter?.Date is DateTimeOffset date)
        {
            TimeSpan wait = date - timeProvider.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    public bool IsTransient => IsTransientStatus(Status);

    public static bool IsTransientStatus(int status) =>
        status is (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.TooManyRequests or >= 500 and <= 599;

    /// <summary>Keeps a service-provided string short and printable so that it can go into a message.</summary>
    public static string? Sanitize(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        string trimmed = value.Length > 200 ? value[..200] : value;
        return new string(trimmed.Where(c => !char.IsControl(c)).ToArray());
    }
}
