namespace PartUploader;

/// <summary>A bearer token for the HERE platform and the moment it expires.</summary>
/// <remarks><see cref="ToString"/> never prints the token.</remarks>
public sealed class AccessToken
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="value">The bearer token.</param>
    /// <param name="expiresOn">When the token expires; <see cref="DateTimeOffset.MaxValue"/> when unknown.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="value"/> is null, empty or white space, or holds a character an HTTP header cannot carry as it is
    /// (a control character such as CR or LF, a space, or a non-ASCII character): sent in an <c>Authorization</c> header,
    /// a line break would end the header and start another one of the token's making.
    /// </exception>
    public AccessToken(string value, DateTimeOffset expiresOn)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        if (!IsHeaderSafe(value))
        {
            // The message never quotes the token.
            throw new ArgumentException("The access token holds a control character, a space or a non-ASCII character, which an Authorization header cannot carry; the token is not shown.", nameof(value));
        }

        Value = value;
        ExpiresOn = expiresOn;
    }

    /// <summary>Gets the bearer token. Never log it.</summary>
    public string Value { get; }

    /// <summary>Gets when the token expires.</summary>
    public DateTimeOffset ExpiresOn { get; }

    /// <summary>Whether every character of <paramref name="value"/> is visible ASCII (0x21 to 0x7E), as a bearer token's are.</summary>
    internal static bool IsHeaderSafe(string value) => !value.AsSpan().ContainsAnyExceptInRange('\u0021', '\u007E');

    /// <inheritdoc/>
    public override string ToString() => $"AccessToken(***, expires {ExpiresOn:O})";
}
