namespace PartUploader.Emulator;

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
