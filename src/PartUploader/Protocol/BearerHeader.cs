using System.Net.Http.Headers;

namespace PartUploader.Internal.Protocol;

/// <summary>
/// The <c>Authorization: Bearer</c> value of the current token, built once per token and set as it is: an
/// <see cref="AuthenticationHeaderValue"/> per request was formatted again on every send and on every copy of the
/// request, a string as long as the token (about 1 KB for a platform token) each time.
/// </summary>
/// <remarks>One instance per handler; a new token replaces the kept value. The value is a secret: never logged.</remarks>
internal sealed class BearerHeader
{
    private Entry? _last;

    /// <summary>Replaces any Authorization header of <paramref name="headers"/> with the bearer value of <paramref name="token"/>.</summary>
    public void Set(HttpRequestHeaders headers, string token)
    {
        Entry? last = Volatile.Read(ref _last);
        if (last is null || !string.Equals(last.Token, token, StringComparison.Ordinal))
        {
            last = new Entry(token, "Bearer " + token);
            Volatile.Write(ref _last, last);
        }

        headers.Remove("Authorization");
        headers.TryAddWithoutValidation("Authorization", last.Value);
    }

    private sealed record Entry(string Token, string Value)
    {
        public override string ToString() => nameof(Entry);
    }
}
