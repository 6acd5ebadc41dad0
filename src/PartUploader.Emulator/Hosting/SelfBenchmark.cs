namespace PartUploader.Emulator;

/// <summary>Placeholder, replaced below.</summary>
internal static class SelfBenchmark
{
    public static Task<int> RunAsync(BlobEmulatorOptions options) => Task.FromResult(options is null ? 1 : 0);
}
