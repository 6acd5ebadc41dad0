namespace PartUploader.Emulator;

/// <summary>The operations the emulator serves; used by the journal and by fault rules.</summary>
public enum EmulatorOperation
{
    /// <summary><c>POST /oauth2/token</c>.</summary>
    Token = 0,

    /// <summary><c>GET /lookup/v1/resources/{hrn}/apis[/{api}/{version}]</c>.</summary>
    Lookup,

    /// <summary><c>POST .../data/{handle}/multiparts</c>.</summary>
    StartMultipart,

    /// <summary><c>POST .../multiparts/{token}/parts?partNumber=N</c>.</summary>
    UploadPart,

    /// <summary><c>PUT .../multiparts/{token}</c>.</summary>
    CompleteMultipart,

    /// <summary><c>GET .../multiparts/{token}</c>.</summary>
    GetStatus,

    /// <summary><c>DELETE .../multiparts/{token}</c>.</summary>
    CancelMultipart,

    /// <summary><c>PUT .../data/{handle}</c>.</summary>
    PutBlob,

    /// <summary><c>HEAD .../data/{handle}</c>.</summary>
    HeadBlob,

    /// <summary><c>GET .../data/{handle}</c>.</summary>
    GetBlob,

    /// <summary><c>DELETE .../data/{handle}</c>.</summary>
    DeleteBlob,

    /// <summary><c>GET</c> of the storage URL a <c>307</c> redirect points to (no bearer token allowed).</summary>
    StorageGet,

    /// <summary>The emulator's own <c>/_emulator/...</c> endpoints.</summary>
    Admin,
}
