using Microsoft.Extensions.Logging.Abstractions;
using PartUploader.Internal.Protocol;
using PartUploader.Internal.Resilience;
using PartUploader.Internal.Transfer;
using Refit;

namespace PartUploader.Tests.Transfer;

/// <summary>An upload's shared context for tests of one engine piece: nothing is ever sent (the base URL is a closed port).</summary>
internal static class TestUploadContexts
{
    public static UploadContext Create(UploadRequest request, long partSize = 5L * 1024 * 1024)
    {
        var options = new PartUploadClientOptions { BaseUrl = new Uri("http://127.0.0.1:9/blobstore/v1/catalogs/c"), PartSize = partSize };
        var http = new HttpClient { BaseAddress = RequestProperties.UnusedBaseAddress };
        var protocol = new BlobProtocol(
            RestService.ForGenerated<IBlobApi>(http, new RefitSettings(SystemTextJsonContentSerializer.ForContext(BlobJsonContext.Default))), TimeProvider.System);
        return new UploadContext(
            protocol, UploadPipeline.Create(options.Retry, TimeProvider.System, NullLogger.Instance), options, NullLogger.Instance,
            new BlobEndpoint(options.BaseUrl, AccessTokenSource.FromToken("t")), request, () => null);
    }
}
