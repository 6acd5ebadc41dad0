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

    /// <summary><c>GET /config/v1/catalogs/{hrn}</c> (spec publish-v2 section 10).</summary>
    Config,

    /// <summary><c>POST /publish/v2/catalogs/{hrn}/publications</c> (spec publish-v2 1.1).</summary>
    InitPublication,

    /// <summary><c>POST .../layers/{layerId}/publications/{publicationId}/partitions</c> (spec publish-v2 1.2).</summary>
    UploadPartitions,

    /// <summary><c>PUT .../publications/{publicationId}</c> (spec publish-v2 1.3).</summary>
    SubmitPublication,

    /// <summary><c>GET .../publications/{publicationId}</c> (spec publish-v2 1.4).</summary>
    GetPublication,

    /// <summary><c>DELETE .../publications/{publicationId}</c> (spec publish-v2 1.5).</summary>
    CancelPublication,

    /// <summary><c>GET /metadata/v1/catalogs/{hrn}/versions/latest</c> (spec publish-v2 section 4).</summary>
    LatestVersion,

    /// <summary><c>GET /metadata/v1/catalogs/{hrn}/layers/{layerId}/partitions</c> (spec publish-v2 section 4).</summary>
    GetPartitions,

    /// <summary><c>GET /query/v1/catalogs/{hrn}/layers/{layerId}/partitions?partition=..</c> (spec publish-v2 section 4).</summary>
    QueryPartitions,

    /// <summary><c>POST /index/v1/catalogs/{hrn}/layers/{layerId}</c> (spec publish-v2 section 2).</summary>
    InsertIndex,

    /// <summary><c>GET /index/v1/catalogs/{hrn}/layers/{layerId}</c> (spec publish-v2 section 2).</summary>
    GetIndex,
}
