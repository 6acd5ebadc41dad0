using System.Net.Security;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PartUploader;
using PartUploader.Emulator;

namespace Snippets;

/// <summary>The code of README.md, compiled. Regions are copied verbatim into the README.</summary>
public static class ReadmeSnippets
{
    public static async Task QuickStartAsync(CancellationToken cancellationToken)
    {
        #region Snippet:QuickStart
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var tokens = new HereTokenSource(HereCredentials.FromFile(), http); // ~/.here/credentials.properties
        var client = new PartUploadClient(http, new PartUploadClientOptions
        {
            CatalogHrn = "hrn:here:data::myorg:my-catalog", // the blob URL is looked up
        }, tokens);

        PartUploadResult result = await client.UploadAsync("tiles.bin", new PartUploadOptions
        {
            LayerId = "tiles",
            DataHandle = "tiles-2026-11-25",
        }, cancellationToken);
        Console.WriteLine($"{result.Size} bytes in {result.PartCount} parts, CRC-32C {result.Crc32C:x8}");
        #endregion
    }

    public static async Task ManyFilesAsync(PartUploadClient client, CancellationToken cancellationToken)
    {
        #region Snippet:ManyFiles
        // Every file of a directory, one blob each; handles from the relative path: "r7.tiles.12.a-b.bin".
        IReadOnlyList<BatchUploadItem> items = BatchUploadItem.FromDirectory("release/", new DirectoryUploadOptions
        {
            HandlePrefix = "r7.", // handles are single-use: the next release takes a new prefix
            Include = { "**/*.bin" },
        });

        BatchUploadResult batch = await client.UploadBatchAsync(items, new BatchUploadOptions
        {
            LayerId = "tiles",
            ItemFinished = item => Console.WriteLine(item), // one call per finished file, stored or failed
        }, cancellationToken);

        foreach (BatchItemResult failed in batch.Failures)
        {
            Console.Error.WriteLine($"{failed.Item.Source}: {failed.Error!.Message}");
        }

        await using FileStream manifest = File.Create("release-r7.manifest.json"); // handle, size, CRC-32C per file
        await batch.WriteManifestAsync(manifest, cancellationToken);
        #endregion
    }

    public static async Task DependencyInjectionAsync(string[] args)
    {
        #region Snippet:DependencyInjection
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
        // appsettings.json: "PartUploader": { "CatalogHrn": "...", "MaxConcurrency": 8, "Retry": { "MaxAttempts": 5 } }
        builder.Services.AddPartUploader(builder.Configuration.GetSection("PartUploader"));
        using IHost host = builder.Build();

        PartUploadClient uploader = host.Services.GetRequiredService<PartUploadClient>();
        #endregion
        await uploader.UploadAsync("tiles.bin", new PartUploadOptions { LayerId = "tiles", DataHandle = "t1" });
    }

    public static async Task ErrorHandlingAsync(PartUploadClient client, PartUploadOptions options)
    {
        #region Snippet:ErrorHandling
        try
        {
            await client.UploadAsync("tiles.bin", options);
        }
        catch (BlobAlreadyExistsException)
        {
            // 409: data handles are never reusable; choose another one.
        }
        catch (SourceChangedException)
        {
            // The file changed while it was read; the upload was cancelled on the server.
        }
        catch (PartUploadException ex) when (ex.Status == 403)
        {
            Console.Error.WriteLine($"No access: {ex.Message} (correlation id {ex.CorrelationId})");
        }
        #endregion
    }

    public static async Task TimeLimitAsync(PartUploadClient client)
    {
        #region Snippet:TimeLimit
        var options = new PartUploadOptions { LayerId = "tiles", DataHandle = "t1", TimeLimit = TimeSpan.FromMinutes(30) };
        try
        {
            await client.UploadAsync("tiles.bin", options);
        }
        catch (PartUploadException ex) when (ex.ErrorCode == PartUploadErrorCodes.TimeLimitExceeded)
        {
            // Stopped like a failure: the message says what was left on the server (ex.Data[PartUploadExceptionData.CancelledOnServer]).
            Console.Error.WriteLine(ex.Message);
        }
        #endregion
    }

    public static async Task ResumeAsync(PartUploadClient client, CancellationToken cancellationToken)
    {
        #region Snippet:Resume
        var options = new PartUploadOptions
        {
            LayerId = "tiles",
            DataHandle = "tiles-2026-11-25",
            JournalPath = "tiles.bin.upload-journal", // written after each acknowledged part
        };

        PartUploadResult result = File.Exists(options.JournalPath)
            ? await client.ResumeAsync("tiles.bin", options, cancellationToken) // after a crash: only missing parts
            : await client.UploadAsync("tiles.bin", options, cancellationToken);
        #endregion
        Console.WriteLine(result);
    }

    public static async Task PublishingAsync(PartUploadClient client, CancellationToken cancellationToken)
    {
        #region Snippet:Publishing
        PublicationClient publisher = client.GetPublicationClient(); // needs CatalogHrn: the APIs are looked up

        // One partition per file; ids from the relative path: "roads/12/a.bin" -> "roads:12:a.bin".
        IReadOnlyList<PublishItem> items = PublishItem.FromDirectory("release/", PartitionNaming.RelativePath);

        PublicationResult result = await publisher.PublishAsync(items, new PublishOptions
        {
            LayerId = "roads", // a versioned layer; content type and digest come from its configuration
        }, cancellationToken);
        Console.WriteLine($"Catalog version {result.Version}: {result.Partitions.Count} partitions, {result.Bytes} bytes, verified {result.Verified}");
        #endregion
    }

    public static async Task IndexingAsync(PublicationClient publisher, CancellationToken cancellationToken)
    {
        #region Snippet:Indexing
        var fields = new Dictionary<string, object> { ["ingestionTime"] = 1_552_383_031_000L, ["source"] = "probe-7" };
        IndexResult indexed = await publisher.IndexAsync(
            [IndexItem.FromFile("events/0001.json", fields), IndexItem.FromFile("events/0002.json", fields)],
            new IndexOptions { LayerId = "events" }, // an index layer; its field names and types come from its configuration
            cancellationToken);
        Console.WriteLine($"{indexed.Records.Count} records; first id {indexed.Records[0].Id}");
        #endregion
    }

    public static async Task PublishingScaleOutAsync(PublicationClient publisher, IReadOnlyList<IReadOnlyList<PublishItem>> shares, CancellationToken cancellationToken)
    {
        #region Snippet:PublishingScaleOut
        // Coordinator: one publication for the whole release.
        PublicationInfo publication = await publisher.InitializeAsync("roads", cancellationToken);

        // Each worker (any process, any machine) uploads its share and adds its partitions; nothing is submitted.
        await Parallel.ForEachAsync(shares, cancellationToken, async (share, token) =>
            await publisher.AddAsync(publication.Id, share, new PublishOptions { LayerId = "roads" }, token));

        // Coordinator, once every worker is done: submit once, then wait for the new version.
        await publisher.SubmitAsync(publication.Id, cancellationToken);
        PublicationInfo done = await publisher.WaitAsync(publication.Id, cancellationToken: cancellationToken);
        #endregion
        Console.WriteLine(done);
    }

    public static async Task EmulatorAsync()
    {
        #region Snippet:Emulator
        await using BlobEmulator emulator = await BlobEmulator.StartAsync(); // 127.0.0.1, a free port
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var client = new PartUploadClient(
            http,
            new PartUploadClientOptions { BaseUrl = emulator.GetBlobBaseUrl() },
            AccessTokenSource.FromToken(emulator.IssueAccessToken()));

        emulator.Faults.Add(FaultRule.Status(503) with { Operation = EmulatorOperation.UploadPart, PartNumber = 2 });
        await client.UploadAsync("tiles.bin", new PartUploadOptions { LayerId = emulator.DefaultLayerId, DataHandle = "t1", ForceMultipart = true });
        #endregion
    }

    public static async Task EmulatorHttpsAsync(IServiceCollection services)
    {
        #region Snippet:EmulatorHttps
        await using BlobEmulator emulator = await BlobEmulator.StartAsync(new BlobEmulatorOptions { UseHttps = true });

        // Trust exactly the emulator's self-signed certificate (same SHA-256); the host name is still checked.
        string pinned = emulator.Certificate!.GetCertHashString(HashAlgorithmName.SHA256);
        RemoteCertificateValidationCallback trustEmulator = (_, certificate, _, errors) =>
            (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None
            && certificate?.GetCertHashString(HashAlgorithmName.SHA256) == pinned;

        // Your own HttpClient:
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = trustEmulator;
        using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        var client = new PartUploadClient(
            http,
            new PartUploadClientOptions { BaseUrl = emulator.GetBlobBaseUrl() },
            AccessTokenSource.FromToken(emulator.IssueAccessToken()));

        // Or dependency injection: set it on the SDK's own handler, whose other settings stay.
        services.AddPartUploader(o => o.BaseUrl = emulator.GetBlobBaseUrl())
            .ConfigurePrimaryHttpMessageHandler((primary, _) =>
                ((SocketsHttpHandler)primary).SslOptions.RemoteCertificateValidationCallback = trustEmulator);
        #endregion
        await client.UploadAsync("tiles.bin", new PartUploadOptions { LayerId = emulator.DefaultLayerId, DataHandle = "t2" });
    }
}
