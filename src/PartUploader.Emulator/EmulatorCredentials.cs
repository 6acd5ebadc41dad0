namespace PartUploader.Emulator;

/// <summary>The credentials the emulator accepts at its token endpoint.</summary>
public sealed class EmulatorCredentials
{
    /// <summary>The access key ID (OAuth consumer key).</summary>
    public required string AccessKeyId { get; init; }

    /// <summary>The access key secret (signing secret).</summary>
    public required string AccessKeySecret { get; init; }

    /// <summary>The token endpoint URL.</summary>
    public required Uri TokenEndpointUrl { get; init; }

    /// <summary>The user ID written to <c>here.user.id</c>.</summary>
    public required string UserId { get; init; }

    /// <summary>The client ID written to <c>here.client.id</c>.</summary>
    public required string ClientId { get; init; }

    /// <summary>Returns the credentials without the secret.</summary>
    /// <returns>A description that masks <see cref="AccessKeySecret"/>.</returns>
    public override string ToString() =>
        $"EmulatorCredentials {{ AccessKeyId = {AccessKeyId}, AccessKeySecret = ***, TokenEndpointUrl = {TokenEndpointUrl}, UserId = {UserId}, ClientId = {ClientId} }}";
}
