namespace PartUploader.Emulator;

/// <summary>The request body formats the token endpoint accepts (spec U13).</summary>
[Flags]
public enum TokenBodyFormats
{
    /// <summary>Nothing is accepted (every token request is answered 400).</summary>
    None = 0,

    /// <summary>JSON <c>{"grantType":"client_credentials"}</c>.</summary>
    Json = 1,

    /// <summary>Form <c>grant_type=client_credentials</c>.</summary>
    Form = 2,

    /// <summary>Both JSON and form (the default).</summary>
    All = Json | Form,
}
