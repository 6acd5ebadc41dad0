using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using PartUploader.Internal.Auth;

namespace PartUploader;

/// <summary>
/// HERE platform client credentials: the access key id and secret that sign token requests
/// sent to the HERE account service, from a <c>credentials.properties</c> file, configuration, or code.
/// </summary>
/// <remarks>
/// <para>
/// The access key secret is kept internal to the library: <see cref="ToString"/>, the debugger display
/// and every exception show the access key id and endpoint only. Instances are immutable and thread-safe.
/// </para>
/// <para>
/// Keys read by <see cref="FromFile"/> and <see cref="FromConfiguration"/> (the file's dotted name, or in
/// configuration also the PascalCase name, which environment variables can carry, for example
/// <c>Here__AccessKeySecret</c>): <c>here.access.key.id</c> / <c>AccessKeyId</c> (required),
/// <c>here.access.key.secret</c> / <c>AccessKeySecret</c> (required),
/// <c>here.token.endpoint.url</c> / <c>TokenEndpointUrl</c>, <c>here.user.id</c> / <c>UserId</c>,
/// <c>here.client.id</c> / <c>ClientId</c>. When both names are present the dotted name wins.
/// </para>
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class HereCredentials
{
    private readonly Uri _tokenEndpointUrl = AuthDefaults.TokenEndpointUrl;

    /// <summary>Initializes a new instance from an access key id and secret.</summary>
    /// <param name="accessKeyId">The access key id (<c>here.access.key.id</c>), the OAuth consumer key.</param>
    /// <param name="accessKeySecret">The access key secret (<c>here.access.key.secret</c>), the signing secret.</param>
    /// <exception cref="ArgumentException">A value is null, empty or white space (the message names the parameter, never the value).</exception>
    public HereCredentials(string accessKeyId, string accessKeySecret)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accessKeyId);
        ArgumentException.ThrowIfNullOrWhiteSpace(accessKeySecret);
        AccessKeyId = accessKeyId.Trim();
        AccessKeySecret = accessKeySecret.Trim();
    }

    /// <summary>Gets the access key id, the OAuth consumer key. It is an identifier, not a secret.</summary>
    public string AccessKeyId { get; }

    /// <summary>Gets the URL of the HERE account token endpoint.</summary>
    /// <value>The default value is <c>https://account.api.here.com/oauth2/token</c>.</value>
    /// <exception cref="ArgumentException">The value is not an absolute http or https URL.</exception>
    public Uri TokenEndpointUrl
    {
        get => _tokenEndpointUrl;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            if (!value.IsAbsoluteUri || (value.Scheme != Uri.UriSchemeHttps && value.Scheme != Uri.UriSchemeHttp))
            {
                throw new ArgumentException($"{nameof(TokenEndpointUrl)} must be an absolute http or https URL.", nameof(value));
            }

            _tokenEndpointUrl = value;
        }
    }

    /// <summary>Gets the HERE user id (<c>here.user.id</c>), when the credentials carry one.</summary>
    /// <value>The default value is null.</value>
    public string? UserId { get; init; }

    /// <summary>Gets the HERE client (application) id (<c>here.client.id</c>), when the credentials carry one.</summary>
    /// <value>The default value is null.</value>
    public string? ClientId { get; init; }

    /// <summary>Gets the access key secret. Internal so that it cannot be printed or logged by accident.</summary>
    [DebuggerBrowsable(DebuggerBrowsableState.Never)]
    internal string AccessKeySecret { get; }

    /// <summary>Reads credentials from a HERE <c>credentials.properties</c> file.</summary>
    /// <param name="path">The file; null for <c>~/.here/credentials.properties</c>.</param>
    /// <returns>The credentials.</returns>
    /// <remarks>
    /// The file holds <c>key = value</c> lines; white space around keys and values and CRLF line ends are
    /// tolerated, lines starting with <c>#</c> or <c>!</c> are comments, and unknown keys are ignored.
    /// </remarks>
    /// <exception cref="PartUploadAuthenticationException">
    /// The file does not exist (<c>ErrorCode</c> <c>CredentialsFileNotFound</c>), is a directory or cannot be read
    /// (<c>ErrorCode</c> <c>CredentialsFileUnreadable</c>; the I/O error is the inner exception), or the access key id
    /// or secret is missing or empty (<c>ErrorCode</c> <c>MissingCredential</c>; the message names the key, never a value).
    /// The message names the full path of the file it looked at.
    /// </exception>
    public static HereCredentials FromFile(string? path = null)
    {
        path ??= Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".here", "credentials.properties");
        string fullPath = Path.GetFullPath(path);
        string source = $"the credentials file '{fullPath}'";
        string text;
        try
        {
            text = File.ReadAllText(fullPath);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw FileError($"The credentials file '{fullPath}' was not found.", AuthErrorCodes.CredentialsFileNotFound, ex);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            string why = Directory.Exists(fullPath)
                ? $"The credentials file '{fullPath}' is a directory, not a file."
                : $"The credentials file '{fullPath}' could not be read: {ex.Message}";
            throw FileError(why, AuthErrorCodes.CredentialsFileUnreadable, ex);
        }

        Dictionary<string, string> values = CredentialsPropertiesParser.Parse(text);
        return Create(key => values.GetValueOrDefault(key), source);
    }

    /// <summary>Reads credentials from configuration, so they can come from environment variables or a secret store.</summary>
    /// <param name="configuration">The configuration section that holds the keys listed in the remarks of <see cref="HereCredentials"/>.</param>
    /// <returns>The credentials.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="configuration"/> is null.</exception>
    /// <exception cref="PartUploadAuthenticationException">
    /// The access key id or secret is missing or empty (<c>ErrorCode</c> <c>MissingCredential</c>; the message
    /// names the key, never a value).
    /// </exception>
    public static HereCredentials FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string source = configuration is IConfigurationSection section && section.Path.Length > 0
            ? $"the configuration section '{section.Path}'"
            : "the configuration";
        return Create(
            key =>
            {
                string? value = configuration[key];
                return string.IsNullOrWhiteSpace(value) ? configuration[CredentialKeys.ToPascalCase(key)] : value;
            },
            source);
    }

    /// <summary>Describes the credentials without the secret.</summary>
    /// <returns>For example <c>HereCredentials(AccessKeyId=ABC, AccessKeySecret=***, TokenEndpoint=account.api.here.com)</c>.</returns>
    public override string ToString() => $"HereCredentials(AccessKeyId={AccessKeyId}, AccessKeySecret=***, TokenEndpoint={TokenEndpointUrl.Authority})";

    private static HereCredentials Create(Func<string, string?> read, string source)
    {
        string id = Required(read, CredentialKeys.AccessKeyId, source);
        string secret = Required(read, CredentialKeys.AccessKeySecret, source);
        string? endpoint = Optional(read, CredentialKeys.TokenEndpointUrl);
        Uri endpointUri = AuthDefaults.TokenEndpointUrl;
        if (endpoint is not null && !Uri.TryCreate(endpoint, UriKind.Absolute, out endpointUri!))
        {
            throw new PartUploadAuthenticationException($"The value of '{CredentialKeys.TokenEndpointUrl}' in {source} is not an absolute URL.")
            {
                ErrorCode = AuthErrorCodes.InvalidCredential,
                Operation = AuthOperations.Credentials,
            };
        }

        try
        {
            return new HereCredentials(id, secret)
            {
                TokenEndpointUrl = endpointUri,
                UserId = Optional(read, CredentialKeys.UserId),
                ClientId = Optional(read, CredentialKeys.ClientId),
            };
        }
        catch (ArgumentException ex)
        {
            throw new PartUploadAuthenticationException($"The value of '{CredentialKeys.TokenEndpointUrl}' in {source} is not an absolute http or https URL.", ex)
            {
                ErrorCode = AuthErrorCodes.InvalidCredential,
                Operation = AuthOperations.Credentials,
            };
        }
    }

    private static PartUploadAuthenticationException FileError(string message, string code, Exception inner) =>
        new(message, inner)
        {
            ErrorCode = code,
            Operation = AuthOperations.Credentials,
        };

    private static string Required(Func<string, string?> read, string key, string source)
    {
        string? value = Optional(read, key);
        return value ?? throw new PartUploadAuthenticationException($"The HERE credentials are incomplete: {source} has no value for '{key}' ({CredentialKeys.ToPascalCase(key)}).")
        {
            ErrorCode = AuthErrorCodes.MissingCredential,
            Operation = AuthOperations.Credentials,
        };
    }

    private static string? Optional(Func<string, string?> read, string key)
    {
        string? value = read(key)?.Trim();
        return string.IsNullOrEmpty(value) ? null : value;
    }
}
