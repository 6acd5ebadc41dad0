using System.Text.Json;
using System.Text.Json.Serialization;

namespace PartUploader.Cli.Control;

/// <summary>What a running upload says about itself when a <c>partupload cancel</c> connects.</summary>
internal sealed record ControlHello
{
    public required int Pid { get; init; }

    public required string Command { get; init; }

    public required string Source { get; init; }

    public required string Catalog { get; init; }

    public required string Layer { get; init; }

    public required string Handle { get; init; }

    public string? Journal { get; init; }
}

/// <summary>A line the upload writes back to a cancel request: <c>cancelling</c>, then <c>ended</c> with the outcome.</summary>
internal sealed record ControlEvent
{
    public required string Event { get; init; }

    public int? ExitCode { get; init; }

    public bool? CancelledOnServer { get; init; }

    public string? UploadId { get; init; }

    public bool? BlobStored { get; init; }

    public string? Message { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ControlHello))]
[JsonSerializable(typeof(ControlEvent))]
internal sealed partial class ControlJson : JsonSerializerContext
{
    public static string Line<T>(T value) => JsonSerializer.Serialize(value, typeof(T), Default) + "\n";
}
