namespace PartUploader;

/// <summary>
/// The error thrown when credentials are missing or invalid, or the HERE account service refuses
/// to issue a token.
/// </summary>
/// <remarks>
/// Retrying does not help: fix the credentials (or the clock). <see cref="PartUploadException.ErrorCode"/>
/// carries the account service's code (<c>401300</c> signature mismatch, <c>401204</c> timestamp outside
/// the valid window, <c>401207</c> nonce reused) or a client code such as <c>MissingCredential</c>.
/// The message never contains the access key secret, the token, the signature or any header.
/// </remarks>
public sealed class PartUploadAuthenticationException : PartUploadException
{
    /// <summary>Initializes a new instance with a default message.</summary>
    public PartUploadAuthenticationException()
        : this("Authentication with the HERE platform failed.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What failed, without secrets.</param>
    public PartUploadAuthenticationException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the underlying cause.</summary>
    /// <param name="message">What failed, without secrets.</param>
    /// <param name="innerException">The underlying cause (never an exception that holds a request with its headers).</param>
    public PartUploadAuthenticationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
