using System.Security.Cryptography;
using PartUploader.Emulator;

namespace PartUploader.Cli.Tests;

/// <summary>An in-process emulator on 127.0.0.1 with a credentials file for the CLI to use.</summary>
public class CliEmulatorFixture : IAsyncLifetime
{
    public BlobEmulator Emulator { get; private set; } = null!;

    public string WorkDirectory { get; } = Directory.CreateTempSubdirectory("partuploader-cli-tests-").FullName;

    public string CredentialsFile { get; private set; } = null!;

    protected virtual BlobEmulatorOptions CreateOptions() => new();

    public async Task InitializeAsync()
    {
        Emulator = await BlobEmulator.StartAsync(CreateOptions());
        CredentialsFile = Emulator.WriteCredentialsFile(Path.Combine(WorkDirectory, "credentials.properties"));
    }

    public async Task DisposeAsync()
    {
        await Emulator.DisposeAsync();
        Directory.Delete(WorkDirectory, recursive: true);
    }

    /// <summary>The arguments that point the CLI at this emulator.</summary>
    public string[] Target(string? layer = null) =>
    [
        "--catalog", Emulator.DefaultCatalogHrn,
        "--layer", layer ?? Emulator.DefaultLayerId,
        "--credentials", CredentialsFile,
        "--lookup-url", Emulator.LookupUrl.ToString(),
    ];

    public string WriteFile(string name, int length, int seed = 7)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        string path = Path.Combine(WorkDirectory, name);
        File.WriteAllBytes(path, data);
        return path;
    }

    public byte[] ReadBlob(string handle)
    {
        using Stream? blob = Emulator.OpenBlob(Emulator.DefaultLayerId, handle);
        blob.ShouldNotBeNull($"a blob is stored under '{handle}'");
        using var copy = new MemoryStream();
        blob.CopyTo(copy);
        return copy.ToArray();
    }

    public static string NewHandle(string prefix) => prefix + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
}
