namespace PartUploader.Emulator.Tests;

/// <summary>One emulator with default options shared by a test class.</summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    public BlobEmulator Emulator { get; private set; } = null!;

    public BlobApi Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Emulator = await BlobEmulator.StartAsync();
        Api = new BlobApi(Emulator);
    }

    public async Task DisposeAsync()
    {
        Api.Dispose();
        await Emulator.DisposeAsync();
    }
}
