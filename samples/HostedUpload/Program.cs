// The same upload through AddPartUploader in a generic host with configuration. The emulator stands
// in for the service: its lookup URL, catalog HRN and credentials file are added to configuration
// as a real deployment would put them in appsettings.json or environment variables.
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PartUploader;
using PartUploader.Emulator;

await using BlobEmulator emulator = await BlobEmulator.StartAsync();
string workDir = Directory.CreateTempSubdirectory("partuploader-hosted-").FullName;
try
{
    string credentialsFile = emulator.WriteCredentialsFile(Path.Combine(workDir, "credentials.properties"));

    HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["PartUploader:CatalogHrn"] = emulator.DefaultCatalogHrn,
        ["PartUploader:LookupUrl"] = emulator.LookupUrl.ToString(),
        ["PartUploader:CredentialsFile"] = credentialsFile,
    });
    builder.Services.AddPartUploader(builder.Configuration.GetSection("PartUploader"));

    using IHost host = builder.Build();
    await host.StartAsync();

    string file = Path.Combine(workDir, "data.bin");
    byte[] data = new byte[64 * 1024 * 1024];
    new Random(7).NextBytes(data);
    await File.WriteAllBytesAsync(file, data);

    PartUploadClient client = host.Services.GetRequiredService<PartUploadClient>();
    PartUploadResult result = await client.UploadAsync(file, new PartUploadOptions
    {
        LayerId = emulator.DefaultLayerId,
        DataHandle = "hosted-" + Guid.NewGuid().ToString("N"),
        WholeBlobDigests = WholeBlobDigests.Sha256,
    });

    string expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(data));
    Console.WriteLine($"Uploaded {result.Size:N0} bytes in {result.PartCount} parts; SHA-256 {result.Sha256}");
    await host.StopAsync();
    return result.Sha256 == expected ? 0 : 1;
}
finally
{
    Directory.Delete(workDir, recursive: true);
}
