namespace PartUploader;

/// <summary>Names and defaults shared by the PartUploader client and its DI registration.</summary>
public static class PartUploaderDefaults
{
    /// <summary>The name of the <see cref="System.Net.Http.HttpClient"/> that <c>AddPartUploader</c> registers when no name is given.</summary>
    public const string HttpClientName = "PartUploader";
}
