namespace PartUploader.Internal.Auth;

/// <summary>The key names of a HERE <c>credentials.properties</c> file (spec section 8) and their configuration aliases.</summary>
internal static class CredentialKeys
{
    public const string AccessKeyId = "here.access.key.id";
    public const string AccessKeySecret = "here.access.key.secret";
    public const string TokenEndpointUrl = "here.token.endpoint.url";
    public const string UserId = "here.user.id";
    public const string ClientId = "here.client.id";

    /// <summary>Maps a dotted key to the PascalCase alias accepted in configuration (for environment variables).</summary>
    public static string ToPascalCase(string key) => key switch
    {
        AccessKeyId => "AccessKeyId",
        AccessKeySecret => "AccessKeySecret",
        TokenEndpointUrl => "TokenEndpointUrl",
        UserId => "UserId",
        ClientId => "ClientId",
        _ => key,
    };
}

/// <summary>Reads the <c>key = value</c> lines of a <c>credentials.properties</c> file.</summary>
internal static class CredentialsPropertiesParser
{
    /// <summary>Parses the text: CRLF or LF lines, white space trimmed, <c>#</c> and <c>!</c> comments, split at the first <c>=</c> (or <c>:</c>).</summary>
    /// <remarks>Later lines win over earlier ones; keys are case-sensitive, as in Java properties files.</remarks>
    public static Dictionary<string, string> Parse(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string rawLine in text.Split('\n'))
        {
            string line = rawLine.Trim();
            if (line.Length == 0 || line[0] is '#' or '!')
            {
                continue;
            }

            int separator = line.IndexOfAny(['=', ':']);
            if (separator <= 0)
            {
                continue;
            }

            string key = line[..separator].Trim();
            string value = line[(separator + 1)..].Trim();
            values[key] = value;
        }

        return values;
    }
}
