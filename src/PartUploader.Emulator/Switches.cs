namespace PartUploader.Emulator;

/// <summary>How a completed multipart upload is assembled (spec U2).</summary>
public enum PartAssemblyOrder
{
    /// <summary>In the order the complete call lists the parts (the default).</summary>
    ListOrder = 0,

    /// <summary>In ascending part-number order, whatever the list order.</summary>
    NumberOrder,
}

/// <summary>How a multipart upload ends after the processing delay (spec U8).</summary>
public enum CompletionOutcome
{
    /// <summary>The status becomes <c>completed</c> and the blob is readable (the default).</summary>
    Completed = 0,

    /// <summary>The status becomes <c>failed</c> and no blob is stored.</summary>
    Failed,
}

/// <summary>The body of error responses (spec U9).</summary>
public enum ErrorBodyFormat
{
    /// <summary>JSON <c>{title,status,code,cause,action,correlationId}</c> plus an <c>X-Correlation-ID</c> header (the default).</summary>
    Json = 0,

    /// <summary>No body at all.</summary>
    None,

    /// <summary>A one-line <c>text/plain</c> body.</summary>
    PlainText,
}

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

/// <summary>The answer of the status link for an upload that is not completed (spec U14).</summary>
public enum UnknownUploadStatus
{
    /// <summary>404 for an upload never completed, cancelled, or never started (the default).</summary>
    NotFound = 0,

    /// <summary>200 <c>{"status":"processing"}</c> instead of 404.</summary>
    Processing,
}
