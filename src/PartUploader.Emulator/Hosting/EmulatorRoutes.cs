using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PartUploader.Emulator.Catalogs;
using PartUploader.Emulator.Config;
using PartUploader.Emulator.Index;
using PartUploader.Emulator.Internal;
using PartUploader.Emulator.Metadata;
using PartUploader.Emulator.Publish;

namespace PartUploader.Emulator.Hosting;

/// <summary>The route table: every route carries its <see cref="OperationMetadata"/>, so the pipeline journals, faults and authorizes it.</summary>
internal static class EmulatorRoutes
{
    private const string BlobRoute = "/blobstore/v1/catalogs/{hrn}/layers/{layerId}/data/{dataHandle}";
    private const string PublishRoute = "/publish/v2/catalogs/{hrn}";
    private const string MetadataRoute = "/metadata/v1/catalogs/{hrn}";
    private const string QueryRoute = "/query/v1/catalogs/{hrn}";
    private const string IndexRoute = "/index/v1/catalogs/{hrn}";

    public static void Map(WebApplication app, EmulatorService service, CatalogStore store)
    {
        MapBlob(app, service);
        Map(app, "/lookup/v1/resources/{hrn}/apis", "GET", service.LookupAsync, EmulatorOperation.Lookup);
        Map(app, "/lookup/v1/resources/{hrn}/apis/{api}/{version}", "GET", service.LookupAsync, EmulatorOperation.Lookup);
        Map(app, "/oauth2/token", "POST", service.TokenAsync, EmulatorOperation.Token, requiresBearer: false);
        Map(app, "/_storage/{storageKey}", "GET", service.StorageGetAsync, EmulatorOperation.StorageGet, requiresBearer: false);
        Map(app, "/_emulator/journal", "GET", service.JournalAsync, EmulatorOperation.Admin, requiresBearer: false);
        Map(app, "/_emulator/uploads", "GET", service.UploadsAsync, EmulatorOperation.Admin, requiresBearer: false);
        MapDataApis(app, service, store);
    }

    private static void MapBlob(WebApplication app, EmulatorService service)
    {
        Map(app, BlobRoute, "PUT", service.PutBlobAsync, EmulatorOperation.PutBlob);
        Map(app, BlobRoute, "HEAD", service.HeadBlobAsync, EmulatorOperation.HeadBlob);
        Map(app, BlobRoute, "GET", service.GetBlobAsync, EmulatorOperation.GetBlob);
        Map(app, BlobRoute, "DELETE", service.DeleteBlobAsync, EmulatorOperation.DeleteBlob);
        Map(app, BlobRoute + "/multiparts", "POST", service.StartMultipartAsync, EmulatorOperation.StartMultipart);
        Map(app, BlobRoute + "/multiparts/{uploadToken}/parts", "POST", service.UploadPartAsync, EmulatorOperation.UploadPart);
        Map(app, BlobRoute + "/multiparts/{uploadToken}", "PUT", service.CompleteMultipartAsync, EmulatorOperation.CompleteMultipart);
        Map(app, BlobRoute + "/multiparts/{uploadToken}", "GET", service.GetStatusAsync, EmulatorOperation.GetStatus);
        Map(app, BlobRoute + "/multiparts/{uploadToken}", "DELETE", service.CancelMultipartAsync, EmulatorOperation.CancelMultipart);
    }

    private static void MapDataApis(WebApplication app, EmulatorService service, CatalogStore store)
    {
        ConfigEndpoints config = new(service);
        Map(app, "/lookup/v1/platform/apis", "GET", config.PlatformLookupAsync, EmulatorOperation.Lookup);
        Map(app, "/lookup/v1/platform/apis/{api}/{version}", "GET", config.PlatformLookupAsync, EmulatorOperation.Lookup);
        Map(app, "/config/v1/catalogs/{hrn}", "GET", config.GetCatalogAsync, EmulatorOperation.Config);

        PublishEndpoints publish = new(store);
        Map(app, PublishRoute + "/publications", "POST", publish.InitAsync, EmulatorOperation.InitPublication);
        Map(app, PublishRoute + "/layers/{layerId}/publications/{publicationId}/partitions", "POST", publish.UploadPartitionsAsync, EmulatorOperation.UploadPartitions);
        Map(app, PublishRoute + "/publications/{publicationId}", "PUT", publish.SubmitAsync, EmulatorOperation.SubmitPublication);
        Map(app, PublishRoute + "/publications/{publicationId}", "GET", publish.GetAsync, EmulatorOperation.GetPublication);
        Map(app, PublishRoute + "/publications/{publicationId}", "DELETE", publish.CancelAsync, EmulatorOperation.CancelPublication);
        Map(app, "/_emulator/publications", "GET", publish.PublicationsAsync, EmulatorOperation.Admin, requiresBearer: false);
        Map(app, "/_emulator/versions", "GET", publish.VersionsAsync, EmulatorOperation.Admin, requiresBearer: false);

        MetadataEndpoints metadata = new(store);
        Map(app, MetadataRoute + "/versions/latest", "GET", metadata.LatestVersionAsync, EmulatorOperation.LatestVersion);
        Map(app, MetadataRoute + "/layers/{layerId}/partitions", "GET", metadata.PartitionsAsync, EmulatorOperation.GetPartitions);
        Map(app, QueryRoute + "/layers/{layerId}/partitions", "GET", metadata.QueryAsync, EmulatorOperation.QueryPartitions);

        IndexEndpoints index = new(store);
        Map(app, IndexRoute + "/layers/{layerId}", "POST", index.InsertAsync, EmulatorOperation.InsertIndex);
        Map(app, IndexRoute + "/layers/{layerId}", "GET", index.GetAsync, EmulatorOperation.GetIndex);
    }

    private static void Map(IEndpointRouteBuilder app, string pattern, string method, RequestDelegate handler, EmulatorOperation operation, bool requiresBearer = true) =>
        app.MapMethods(pattern, [method], handler).WithMetadata(new OperationMetadata(operation, requiresBearer));
}
