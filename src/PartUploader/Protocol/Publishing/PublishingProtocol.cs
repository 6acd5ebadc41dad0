using System.Globalization;
using System.Net;
using System.Text.Json;
using Refit;

namespace PartUploader.Internal.Protocol.Publishing;

/// <summary>
/// Typed calls of the publish, metadata, query, index and config APIs: checks what the service answers
/// and maps every failure to a <see cref="PartUploadException"/> carrying only non-secret facts. Retries
/// are the caller's (through the client's pipeline); nothing here retries.
/// </summary>
internal sealed class PublishingProtocol(IPublishApi publish, IMetadataApi metadata, IIndexApi index, IConfigApi config, TimeProvider timeProvider)
{
    public const string OpInit = "InitPublication";
    public const string OpPartitions = "UploadPartitions";
    public const string OpSubmit = "SubmitPublication";
    public const string OpGet = "GetPublication";
    public const string OpCancel = "CancelPublication";
    public const string OpLatestVersion = "GetLatestVersion";
    public const string OpGetPartitions = "GetPartitions";
    public const string OpQueryPartitions = "QueryPartitions";
    public const string OpInsertIndex = "InsertIndexRecords";
    public const string OpConfig = "GetCatalogConfig";

    public TimeProvider TimeProvider => timeProvider;

    public async Task<PublicationWire> InitializeAsync(ServiceEndpoint endpoint, IReadOnlyList<string> layerIds, string? billingTag, CancellationToken cancellationToken)
    {
        var body = new InitPublicationRequest { LayerIds = layerIds };
        using IApiResponse<PublicationWire> response = await BlobProtocol.Unwrap(publish.InitializeAsync(endpoint.Url("publications"), body, billingTag, endpoint, cancellationToken)).ConfigureAwait(false);
        return RequirePublication(response, OpInit, publicationId: null);
    }

    public async Task UploadPartitionsAsync(ServiceEndpoint endpoint, string layerId, string publicationId, IReadOnlyList<PublishPartitionWire> partitions, string? billingTag, CancellationToken cancellationToken)
    {
        var body = new PublishPartitionsRequest { Partitions = partitions };
        Uri url = endpoint.Url("layers", layerId, "publications", publicationId, "partitions");
        using IApiResponse response = await BlobProtocol.Unwrap(publish.UploadPartitionsAsync(url, body, billingTag, endpoint, cancellationToken)).ConfigureAwait(false);
        EnsureSuccess(response, OpPartitions, publicationId);
    }

    public async Task SubmitAsync(ServiceEndpoint endpoint, string publicationId, string? billingTag, CancellationToken cancellationToken)
    {
        using IApiResponse response = await BlobProtocol.Unwrap(publish.SubmitAsync(endpoint.Url("publications", publicationId), billingTag, endpoint, cancellationToken)).ConfigureAwait(false);
        EnsureSuccess(response, OpSubmit, publicationId);
    }

    public async Task<PublicationWire> GetAsync(ServiceEndpoint endpoint, string publicationId, string? billingTag, CancellationToken cancellationToken)
    {
        using IApiResponse<PublicationWire> response = await BlobProtocol.Unwrap(publish.GetAsync(endpoint.Url("publications", publicationId), billingTag, endpoint, cancellationToken)).ConfigureAwait(false);
        return RequirePublication(response, OpGet, publicationId);
    }

    /// <summary>Cancels a publication; any 2xx is success, with or without a body (P12).</summary>
    public async Task CancelAsync(ServiceEndpoint endpoint, string publicationId, string? billingTag, CancellationToken cancellationToken)
    {
        using IApiResponse response = await BlobProtocol.Unwrap(publish.CancelAsync(endpoint.Url("publications", publicationId), billingTag, endpoint, cancellationToken)).ConfigureAwait(false);
        EnsureSuccess(response, OpCancel, publicationId);
    }

    /// <summary>The catalog's latest version, or null when it has none yet (404, publish spec 4).</summary>
    public async Task<long?> GetLatestVersionAsync(ServiceEndpoint endpoint, string? billingTag, CancellationToken cancellationToken)
    {
        using IApiResponse<LatestVersionWire> response = await BlobProtocol.Unwrap(metadata.GetLatestVersionAsync(endpoint.Url("versions", "latest"), -1, billingTag, endpoint, cancellationToken)).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        EnsureSuccess(response, OpLatestVersion, null);
        return response.Error is null && response.Content?.Version is long version
            ? version
            : throw Malformed(OpLatestVersion, response, "it has no version");
    }

    /// <summary>One page of partitions (metadata list or query by id).</summary>
    public async Task<PartitionsPageWire> GetPartitionsPageAsync(ServiceEndpoint endpoint, Uri url, string operation, CancellationToken cancellationToken)
    {
        using IApiResponse<PartitionsPageWire> response = await BlobProtocol.Unwrap(metadata.GetPartitionsAsync(url, endpoint, cancellationToken)).ConfigureAwait(false);
        EnsureSuccess(response, operation, null);
        return response.Error is null && response.Content is { } page ? page : throw Malformed(operation, response, "it is not a partition list");
    }

    public async Task InsertIndexAsync(ServiceEndpoint endpoint, string layerId, IReadOnlyList<IndexRecordWire> records, string? billingTag, CancellationToken cancellationToken)
    {
        using IApiResponse response = await BlobProtocol.Unwrap(index.InsertAsync(endpoint.Url("layers", layerId), records, billingTag, endpoint, cancellationToken)).ConfigureAwait(false);
        EnsureSuccess(response, OpInsertIndex, null);
    }

    /// <summary>The catalog configuration, or null with the status when the service answered 403 or 404 (P28).</summary>
    public async Task<(CatalogConfigWire? Config, int Status)> GetCatalogConfigAsync(ServiceEndpoint endpoint, string catalogHrn, string? billingTag, CancellationToken cancellationToken)
    {
        // The HRN goes into the path unescaped, as both HERE SDKs send it (publish spec 10.1).
        string basePath = endpoint.BaseUrl.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped).TrimEnd('/');
        var url = new Uri(basePath + "/catalogs/" + catalogHrn, UriKind.Absolute);
        using IApiResponse<CatalogConfigWire> response = await BlobProtocol.Unwrap(config.GetCatalogAsync(url, billingTag, endpoint, cancellationToken)).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound)
        {
            return (null, (int)response.StatusCode);
        }

        EnsureSuccess(response, OpConfig, null);
        return response.Error is null && response.Content is { } catalog ? (catalog, 200) : throw Malformed(OpConfig, response, "it is not a catalog");
    }

    private PublicationWire RequirePublication(IApiResponse<PublicationWire> response, string operation, string? publicationId)
    {
        EnsureSuccess(response, operation, publicationId);
        return response.Error is null && response.Content is { Id: { Length: > 0 }, Details.State: { Length: > 0 } } publication
            ? publication
            : throw Malformed(operation, response, "it is not a publication with an id and a state");
    }

    private void EnsureSuccess(IApiResponse response, string operation, string? publicationId)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw CreateError(response, operation, publicationId);
        }
    }

    private PartUploadException CreateError(IApiResponse response, string operation, string? publicationId)
    {
        ServiceError error = ServiceError.From(response, timeProvider);
        string? detail = ReadDetail((response.Error as ApiException)?.Content);
        string? title = detail is null ? error.Title : ServiceError.Sanitize(error.Title is null ? detail : error.Title + ": " + detail);
        string summary = string.Create(CultureInfo.InvariantCulture, $"The service refused {operation}");
        if (publicationId is not null)
        {
            summary += "; PublicationId: " + publicationId;
        }

        string message = PartUploadException.FormatMessage(summary, operation, error.Status, error.Code, title, error.CorrelationId);
        return error.Status == (int)HttpStatusCode.Unauthorized
            ? new PartUploadAuthenticationException(message) { Status = error.Status, ErrorCode = error.Code, ErrorTitle = title, CorrelationId = error.CorrelationId, Operation = operation }
            : new PublicationException(message)
            {
                Status = error.Status,
                ErrorCode = error.Code,
                ErrorTitle = title,
                CorrelationId = error.CorrelationId,
                Operation = operation,
                PublicationId = publicationId,
                RetryAfter = error.RetryAfter,
            };
    }

    private static PublicationException Malformed(string operation, IApiResponse response, string what)
    {
        int status = (int)(response.StatusCode ?? 0);
        return new PublicationException(PartUploadException.FormatMessage($"The service's answer to {operation} cannot be used: {what}", operation, status, PartUploadErrorCodes.MalformedResponse))
        {
            Status = status,
            ErrorCode = PartUploadErrorCodes.MalformedResponse,
            Operation = operation,
        };
    }

    /// <summary>The first <c>detail[].error</c> of a metadata-style error body, shortened and printable.</summary>
    private static string? ReadDetail(string? body)
    {
        if (string.IsNullOrWhiteSpace(body) || body.Length > 16 * 1024 || !body.TrimStart().StartsWith('{'))
        {
            return null;
        }

        try
        {
            DetailedErrorWire? parsed = JsonSerializer.Deserialize(body, PublishJsonContext.Default.DetailedErrorWire);
            if (parsed?.Detail.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement item in parsed.Detail.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("error", out JsonElement text) && text.ValueKind == JsonValueKind.String)
                    {
                        return ServiceError.Sanitize(text.GetString());
                    }
                }
            }
            else if (parsed?.Detail.ValueKind == JsonValueKind.String)
            {
                return ServiceError.Sanitize(parsed.Detail.GetString());
            }
        }
        catch (JsonException)
        {
            // Error bodies are optional and undeclared (publish spec 1.7).
        }

        return null;
    }
}
