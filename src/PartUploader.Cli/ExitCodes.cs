namespace PartUploader.Cli;

/// <summary>The documented exit codes of <c>partupload</c> (see README.md beside this project).</summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>Anything not covered below (a bug, an I/O error on the local side).</summary>
    public const int Other = 1;

    /// <summary>Bad input: unknown or malformed arguments, a missing source file, an invalid HRN, layer, handle or size. No request was sent.</summary>
    public const int BadInput = 2;

    /// <summary>Authentication or authorization failed: no or invalid credentials file, token refused, 401 or 403.</summary>
    public const int Auth = 3;

    /// <summary>The service or the network failed after retries, or refused the upload (for example 409: the handle already holds a blob).</summary>
    public const int ServiceError = 4;

    /// <summary>Cancelled (Ctrl+C, SIGTERM or <c>partupload cancel</c>); the message says whether a multipart upload was cancelled on the server.</summary>
    public const int Cancelled = 5;

    /// <summary><c>status</c>, <c>download</c> and <c>delete</c>: no blob exists under the handle.</summary>
    public const int NotFound = 6;

    // 130 (128 + SIGINT) is not returned by the code: it is the shell's code for a process that a second Ctrl+C ended at once.
}
