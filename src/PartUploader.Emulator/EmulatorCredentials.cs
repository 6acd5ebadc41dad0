namespace PartUploader.Emulator;

/// <summary>The credentials the emulator accepts at its token endpoint.</summary>
/// <param name="AccessKeyId">The access key ID (OAuth consumer key).</param>
/// <param name="AccessKeySecret">The access key secret (signing secret).</param>
/// <param name="TokenEndpointUrl">The token endpoint URL.</param>
/// <param name="UserId">The user ID written to <c>here.user.id</c>.</param>
/// <param name="ClientId">The client ID written to <c>here.client.id</c>.</param>
public sealed record EmulatorCredentials(string AccessKeyId, string AccessKeySecret, Uri TokenEndpointUrl, string UserId, string ClientId)
{
    /// <summary>Returns the credentials without the secret.</summary>
    /// <returns>A description that masks <see cref="AccessKeySecret"/>.</returns>
    public override string ToString() =>
        $"EmulatorCredentials {{ AccessKeyId = {AccessKeyId}, AccessKeySecret = ***, TokenEndpointUrl = {TokenEndpointUrl}, UserId = {UserId}, ClientId = {ClientId} }}";

    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("AccessKeyId = ").Append(AccessKeyId).Append(", AccessKeySecret = ***");
        return true;
    }
}
