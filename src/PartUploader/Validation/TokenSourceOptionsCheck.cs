using Microsoft.Extensions.Options;

namespace PartUploader.Internal.Validation;

/// <summary>
/// <see cref="PartUploadClientOptions.CredentialsFile"/> and <see cref="PartUploadClientOptions.TokenRequestFormat"/>
/// configure the token source that dependency injection builds. Where a token source is given instead, setting them
/// would be silently ignored, so it is an error naming both sides.
/// </summary>
internal static class TokenSourceOptionsCheck
{
    /// <exception cref="OptionsValidationException">CredentialsFile or TokenRequestFormat is set.</exception>
    public static void ThrowIfSet(string name, PartUploadClientOptions options, string tokenSource)
    {
        var failures = new List<string>(2);
        if (options.CredentialsFile is not null)
        {
            failures.Add($"CredentialsFile is set, but {tokenSource} supplies the tokens, so the file would be ignored. "
                + "Remove CredentialsFile, or build the token source from the file: new HereTokenSource(HereCredentials.FromFile(path), httpClient).");
        }

        if (options.TokenRequestFormat is not null)
        {
            failures.Add($"TokenRequestFormat is set, but {tokenSource} supplies the tokens, so it would be ignored. "
                + "Remove TokenRequestFormat, and set HereTokenSourceOptions.RequestFormat of the HereTokenSource instead.");
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException(name, typeof(PartUploadClientOptions), failures);
        }
    }
}
