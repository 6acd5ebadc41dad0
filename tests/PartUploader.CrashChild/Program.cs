// Uploads a file with a resume journal and prints "ACK n" after the n-th part is acknowledged (and
// journaled), so a test can kill this process at a chosen point. Exits 0 when the upload completes.
// Arguments: baseUrl token file dataHandle journalPath partSize concurrency
// Or, for a batch: batch baseUrl token directory journalDirectory handlePrefix concurrency; prints "ITEM n" after the
// n-th finished item (recorded in the batch journal) and "DONE" at the end.
using System.Globalization;
using PartUploader;

if (args.Length == 6 && args[0] == "publish")
{
    // publish lookupUrl catalogHrn token directory journalDirectory: prints "ITEM n" as items upload, "METADATA n" once the
    // service accepted n partitions, "SUBMITTED" once the publication is submitted (and journaled as such), "DONE" at the end.
    using var publishHttp = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
    var publisher = new PartUploadClient(publishHttp, new PartUploadClientOptions
    {
        CatalogHrn = args[2],
        LookupUrl = new Uri(args[1]),
        MaxConcurrency = 1,
    }, AccessTokenSource.FromToken(args[3])).GetPublicationClient();
    int printed = 0;
    int added = 0;
    var options = new PublishOptions
    {
        LayerId = "versioned",
        JournalDirectory = args[5],
        Progress = new Printer(p =>
        {
            while (printed < p.ItemsUploaded)
            {
                Console.WriteLine($"ITEM {++printed}");
            }

            if (p.Stage == PublicationStage.Uploading && p.PartitionsAdded > added)
            {
                added = p.PartitionsAdded;
                Console.WriteLine($"METADATA {added}");
            }

            if (p.Stage == PublicationStage.Waiting)
            {
                Console.WriteLine("SUBMITTED");
            }

            Console.Out.Flush();
        }),
    };
    options.Wait.PollInterval = TimeSpan.FromMilliseconds(50);
    await publisher.PublishAsync(PublishItem.FromDirectory(args[4]), options);
    Console.WriteLine("DONE");
    return 0;
}

if (args.Length == 7 && args[0] == "batch")
{
    using var batchHttp = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
    var batchClient = new PartUploadClient(batchHttp, new PartUploadClientOptions
    {
        BaseUrl = new Uri(args[1]),
        PartSize = 5 * 1024 * 1024,
        SingleShotThreshold = 5 * 1024 * 1024,
        MaxConcurrency = int.Parse(args[6], CultureInfo.InvariantCulture),
        MaxBufferedBytes = 64 * 1024 * 1024,
    }, AccessTokenSource.FromToken(args[2]));
    int finished = 0;
    BatchUploadResult result = await batchClient.UploadBatchAsync(
        BatchUploadItem.FromDirectory(args[3], new DirectoryUploadOptions { HandlePrefix = args[5] }),
        new BatchUploadOptions
        {
            LayerId = "versioned",
            JournalDirectory = args[4],
            ItemFinished = _ =>
            {
                Console.WriteLine($"ITEM {Interlocked.Increment(ref finished)}");
                Console.Out.Flush();
            },
        });
    Console.WriteLine("DONE");
    return result.Failed == 0 ? 0 : 1;
}

if (args.Length != 7)
{
    Console.Error.WriteLine("usage: baseUrl token file dataHandle journalPath partSize concurrency");
    return 2;
}

using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
var client = new PartUploadClient(http, new PartUploadClientOptions
{
    BaseUrl = new Uri(args[0]),
    PartSize = long.Parse(args[5], CultureInfo.InvariantCulture),
    MaxConcurrency = int.Parse(args[6], CultureInfo.InvariantCulture),
}, AccessTokenSource.FromToken(args[1]));

Console.Out.Flush();
await client.UploadAsync(args[2], new PartUploadOptions
{
    LayerId = "versioned",
    DataHandle = args[3],
    JournalPath = args[4],
    Progress = new AckPrinter(),
});
Console.WriteLine("DONE");
return 0;

internal sealed class AckPrinter : IProgress<UploadProgress>
{
    private int _printed;

    public void Report(UploadProgress value)
    {
        lock (this)
        {
            while (_printed < value.PartsCompleted)
            {
                _printed++;
                Console.WriteLine($"ACK {_printed}");
                Console.Out.Flush();
            }
        }
    }
}

/// <summary>Reports progress on the reporting thread, one report at a time.</summary>
internal sealed class Printer(Action<PublicationProgress> print) : IProgress<PublicationProgress>
{
    private readonly Lock _gate = new();

    public void Report(PublicationProgress value)
    {
        lock (_gate)
        {
            print(value);
        }
    }
}
