// Uploads a file with a resume journal and prints "ACK n" after the n-th part is acknowledged (and
// journaled), so a test can kill this process at a chosen point. Exits 0 when the upload completes.
// Arguments: baseUrl token file dataHandle journalPath partSize concurrency
// Or, for a batch: batch baseUrl token directory journalDirectory handlePrefix concurrency; prints "ITEM n" after the
// n-th finished item (recorded in the batch journal) and "DONE" at the end.
using System.Globalization;
using PartUploader;

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
