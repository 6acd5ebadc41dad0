namespace PartUploader;

/// <summary>Names and defaults shared by the PartUploader client and its DI registration.</summary>
public static class PartUploaderDefaults
{
    /// <summary>The name of the <see cref="System.Net.Http.HttpClient"/> (and options) that <c>AddPartUploader</c> registers when no name is given.</summary>
    public const string HttpClientName = "PartUploader";

    /// <summary>The key prefix of the Polly resilience pipeline registered per client name (<c>PartUploader:{name}</c>); replace it to change retry behaviour.</summary>
    public const string ResiliencePipelineKey = "PartUploader";
}
