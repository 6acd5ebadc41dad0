namespace PartUploader;

/// <summary>The body format of the token request sent to the HERE account service.</summary>
public enum HereTokenRequestFormat
{
    /// <summary>A JSON body <c>{"grantType":"client_credentials","expiresIn":...}</c>, as the current HERE SDKs send. The default.</summary>
    Json = 0,

    /// <summary>A form body <c>grant_type=client_credentials</c>, signed as an OAuth 1.0a form parameter.</summary>
    Form,
}
