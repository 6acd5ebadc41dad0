using System.Security.Authentication;

namespace PartUploader.Cli;

/// <summary>What to do next after a service failure: the README's troubleshooting table, in the message itself.</summary>
internal static class CliHints
{
    /// <summary>The sentence to add to the failure's message, or null when there is nothing better to say than the error.</summary>
    public static string? For(PartUploadException exception) => exception switch
    {
        { ErrorCode: PartUploadErrorCodes.SourceChanged or PartUploadErrorCodes.SourceTooShort } =>
            "Next: wait until nothing writes to the source any more, then upload it again.",
        UploadNotFoundException =>
            "Next: the upload was cancelled or expired on the server; start it again (a new upload, the same handle).",
        { Status: 401 } =>
            "Next: the token was refused after one refresh; check the credentials (--credentials) and this machine's clock.",
        { Status: 403 } =>
            "Next: grant the credentials' app access to the catalog and layer in the platform portal, and check --catalog and --layer.",
        { Status: 404 } =>
            "Next: check --catalog and --layer (and, for a blob, --handle).",
        { Status: 409 } or BlobAlreadyExistsException =>
            "Next: data handles are single-use in a layer; choose a new --handle (or --handle-prefix).",
        { Status: 0 } when FailedHandshake(exception) =>
            "Next: the TLS handshake failed (the server's certificate was refused); if it is self-signed (as 'partupload emulator --https' makes), pass its PEM file with --trust-certificate; if it was issued for another host name, use the address it names (a trusted certificate must name the host too).",
        { Status: 0, ErrorCode: PartUploadErrorCodes.NetworkError } =>
            "Next: check the network and the service address (--lookup-url; for a local emulator, the lookup URL and credentials file 'partupload emulator' prints).",
        _ => null,
    };

    private static bool FailedHandshake(Exception exception)
    {
        for (Exception? e = exception.InnerException; e is not null; e = e.InnerException)
        {
            if (e is AuthenticationException)
            {
                return true;
            }
        }

        return false;
    }
}
