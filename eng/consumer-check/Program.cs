// Consumer check: uses PartUploader and PartUploader.Emulator as a NuGet consumer would, through the
// production path (credentials file -> HERE token -> API lookup by catalog HRN -> multipart upload),
// and proves the stored blob byte-identical to the source. Exit code 0 on success.
using System.Reflection;
using System.Security.Cryptography;
using PartUploader;
using PartUploader.Emulator;

string expectedVersion = args.Length > 0 ? args[0] : "";
string workDir = Directory.CreateTempSubdirectory("partuploader-consumer-").FullName;
try
{
    foreach (Assembly assembly in new[] { typeof(PartUploadClient).Assembly, typeof(BlobEmulator).Assembly })
    {
        string version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
        Console.WriteLine($"{assembly.GetName().Name} {version}");
        if (expectedVersion.Length > 0 && !version.StartsWith(expectedVersion, StringComparison.Ordinal))
        {
            Console.Error.WriteLine($"FAIL: expected version {expectedVersion}, loaded {version}.");
            return 1;
        }
    }

    // 13 MiB + 17 bytes of random data: three parts of 5 MiB (the last one short).
    string path = Path.Combine(workDir, "payload.bin");
    byte[] payload = RandomNumberGenerator.GetBytes(13 * 1024 * 1024 + 17);
    await File.WriteAllBytesAsync(path, payload);

    await using BlobEmulator emulator = await BlobEmulator.StartAsync();
    string credentials = emulator.WriteCredentialsFile(Path.Combine(workDir, "credentials.properties"));

    using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
    var client = new PartUploadClient(
        http,
        new PartUploadClientOptions
        {
            CatalogHrn = emulator.DefaultCatalogHrn,
            LookupUrl = emulator.LookupUrl,
            PartSize = 5 * 1024 * 1024,
            MaxConcurrency = 2,
        },
        new HereTokenSource(HereCredentials.FromFile(credentials), http));

    PartUploadResult result = await client.UploadAsync(path, new PartUploadOptions
    {
        LayerId = emulator.DefaultLayerId,
        DataHandle = "consumer-check",
        ForceMultipart = true,
    });
    Console.WriteLine($"Uploaded {result.Size} bytes in {result.PartCount} parts ({result.Retries} retries).");

    using var stored = new MemoryStream();
    using (Stream blob = emulator.OpenBlob(emulator.DefaultLayerId, "consumer-check") ?? throw new InvalidOperationException("The emulator holds no blob."))
    {
        await blob.CopyToAsync(stored);
    }

    if (result.PartCount != 3 || !stored.ToArray().AsSpan().SequenceEqual(payload))
    {
        Console.Error.WriteLine($"FAIL: the stored blob ({stored.Length} bytes, {result.PartCount} parts) differs from the source ({payload.Length} bytes).");
        return 1;
    }

    Console.WriteLine("OK: the stored blob is byte-identical to the source.");
    return 0;
}
finally
{
    Directory.Delete(workDir, recursive: true);
}
