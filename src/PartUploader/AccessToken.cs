namespace PartUploader;

/// <summary>A bearer token for the HERE platform and the moment it expires.</summary>
/// <remarks><see cref="ToString"/> never prints the token.</remarks>
public sealed class AccessToken
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="value">The bearer token.</param>
    /// <param name="expiresOn">When the token expires; <see cref="DateTimeOffset.MaxValue"/> when unknown.</param>
    /// <exception cref="ArgumentException"><paramref name="value"/> is null, empty or white space.</exception>
    public AccessToken(string value, DateTimeOffset expiresOn)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        Value = value;
        ExpiresOn = expiresOn;
    }

    /// <summary>Gets the bearer token. Never log it.</summary>
    public string Value { get; }

    /// <summary>Gets when the token expires.</summary>
    public DateTimeOffset ExpiresOn { get; }

    /// <inheritdoc/>
    public override string ToString() => $"AccessToken(***, expires {ExpiresOn:O})";
}
