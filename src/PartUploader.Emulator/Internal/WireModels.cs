using System.Text.Json;
using System.Text.Json.Serialization;

namespace PartUploader.Emulator.Internal;

internal sealed record LinkModel(string Href, string Method);

internal sealed record StartLinks(LinkModel UploadPart, LinkModel Complete, LinkModel Status, LinkModel Delete);

internal sealed record StartResponse(StartLinks Links);

internal sealed record StatusResponse(string Status);

internal sealed record JsonTokenResponse(string AccessToken, string TokenType, long ExpiresIn);

internal sealed record FormTokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] long ExpiresIn);

internal sealed record ApiEntry(string Api, string Version, [property: JsonPropertyName("baseURL")] string BaseUrl, Dictionary<string, string> Parameters);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(BlobError))]
[JsonSerializable(typeof(LookupError))]
[JsonSerializable(typeof(AccountError))]
[JsonSerializable(typeof(StartResponse))]
[JsonSerializable(typeof(StatusResponse))]
[JsonSerializable(typeof(JsonTokenResponse))]
[JsonSerializable(typeof(FormTokenResponse))]
[JsonSerializable(typeof(List<ApiEntry>))]
[JsonSerializable(typeof(IReadOnlyList<JournalEntry>))]
[JsonSerializable(typeof(IReadOnlyList<UploadRecord>))]
[JsonSerializable(typeof(BlobEmulatorOptions))]
[JsonSerializable(typeof(string))]
internal sealed partial class EmulatorJsonContext : JsonSerializerContext;
