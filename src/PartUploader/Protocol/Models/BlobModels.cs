using System.Text.Json.Serialization;

namespace PartUploader.Internal.Protocol;

/// <summary>Body of the start-multipart call (spec 2.1).</summary>
internal sealed class StartMultipartRequest
{
    [JsonPropertyName("contentType")]
    public required string ContentType { get; init; }

    [JsonPropertyName("contentEncoding")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ContentEncoding { get; init; }
}

/// <summary>Answer of the start-multipart call: the links, used verbatim (spec 2.1).</summary>
internal sealed class StartMultipartResponse
{
    [JsonPropertyName("links")]
    public MultipartLinks? Links { get; init; }
}

internal sealed class MultipartLinks
{
    [JsonPropertyName("uploadPart")]
    public BlobLink? UploadPart { get; init; }

    [JsonPropertyName("complete")]
    public BlobLink? Complete { get; init; }

    [JsonPropertyName("status")]
    public BlobLink? Status { get; init; }

    [JsonPropertyName("delete")]
    public BlobLink? Delete { get; init; }
}

internal sealed class BlobLink
{
    [JsonPropertyName("href")]
    public string? Href { get; init; }

    [JsonPropertyName("method")]
    public string? Method { get; init; }
}

/// <summary>Body of the complete call (spec 2.3).</summary>
internal sealed class CompleteMultipartRequest
{
    [JsonPropertyName("parts")]
    public required IReadOnlyList<CompletedPart> Parts { get; init; }
}

internal sealed class CompletedPart
{
    [JsonPropertyName("etag")]
    public required string ETag { get; init; }

    [JsonPropertyName("number")]
    public required int Number { get; init; }
}

/// <summary>Answer of the status call (spec 2.4).</summary>
internal sealed class MultipartStatusResponse
{
    [JsonPropertyName("status")]
    public string? Status { get; init; }
}

/// <summary>The error body other HERE data services send (spec 1); blob v1 may send none.</summary>
internal sealed class ServiceErrorBody
{
    [JsonPropertyName("title")]
    public string? Title { get; init; }

    [JsonPropertyName("status")]
    public int? Status { get; init; }

    [JsonPropertyName("code")]
    public JsonCode? Code { get; init; }

    [JsonPropertyName("correlationId")]
    public string? CorrelationId { get; init; }
}

/// <summary>An error code that may arrive as a JSON string or number.</summary>
[JsonConverter(typeof(JsonCodeConverter))]
internal sealed record JsonCode(string Value);

[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(StartMultipartRequest))]
[JsonSerializable(typeof(StartMultipartResponse))]
[JsonSerializable(typeof(CompleteMultipartRequest))]
[JsonSerializable(typeof(MultipartStatusResponse))]
[JsonSerializable(typeof(ServiceErrorBody))]
internal sealed partial class BlobJsonContext : JsonSerializerContext
{
}
