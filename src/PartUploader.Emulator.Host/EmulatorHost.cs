using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using PartUploader.Emulator.Internal;

namespace PartUploader.Emulator;

/// <summary>The standalone entry point: <c>--urls URL --https --data-dir DIR --config FILE</c>, or <c>--self-benchmark</c>.</summary>
internal static class EmulatorHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        string? urls = null;
        string? dataDirectory = null;
        string? configFile = null;
        bool benchmark = false;
        bool discard = false;
        bool smallBlocks = false;
        bool verbose = false;
        bool https = false;
        Uri? target = null;
        string? credentialsFile = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--urls" when i + 1 < args.Length:
                    urls = args[++i];
                    break;
                case "--data-dir" when i + 1 < args.Length:
                    dataDirectory = args[++i];
                    break;
                case "--config" when i + 1 < args.Length:
                    configFile = args[++i];
                    break;
                case "--self-benchmark":
                    benchmark = true;
                    break;
                case "--discard":
                    discard = true;
                    break;
                case "--target" when i + 1 < args.Length:
                    target = new Uri(args[++i]);
                    break;
                case "--credentials" when i + 1 < args.Length:
                    credentialsFile = args[++i];
                    break;
                case "--verbose":
                    verbose = true;
                    break;
                case "--https":
                    https = true;
                    break;
                case "--small-pool-blocks":
                    smallBlocks = true;
                    break;
                case "--help" or "-h":
                    await Console.Out.WriteLineAsync(Usage).ConfigureAwait(false);
                    return 0;
                default:
                    await Console.Error.WriteLineAsync($"Unknown argument '{args[i]}'.\n{Usage}").ConfigureAwait(false);
                    return 2;
            }
        }

        BlobEmulatorOptions options;
        try
        {
            options = configFile is null
                ? new BlobEmulatorOptions()
                : JsonSerializer.Deserialize(await File.ReadAllTextAsync(configFile).ConfigureAwait(false), EmulatorJsonContext.Default.BlobEmulatorOptions) ?? new BlobEmulatorOptions();
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"Cannot read the config file: {ex.Message}").ConfigureAwait(false);
            return 2;
        }

        options.Urls = urls ?? options.Urls;
        options.DataDirectory = dataDirectory ?? options.DataDirectory;
        options.DiscardData |= discard;
        options.LargeMemoryPoolBlocks &= !smallBlocks;
        options.UseHttps |= https;

        if (benchmark && https)
        {
            await Console.Error.WriteLineAsync($"--https does not apply to --self-benchmark (the benchmark program's raw-tls scenario measures TLS).\n{Usage}").ConfigureAwait(false);
            return 2;
        }

        if (benchmark && target is not null && credentialsFile is not null)
        {
            return await SelfBenchmark.RunRemoteAsync(target, credentialsFile).ConfigureAwait(false);
        }

        if (benchmark)
        {
            return await SelfBenchmark.RunAsync(options).ConfigureAwait(false);
        }

        using ILoggerFactory loggerFactory = LoggerFactory.Create(logging => logging
            .AddSimpleConsole(console => console.SingleLine = true)
            .SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Warning));
        options.LoggerFactory ??= loggerFactory;
        BlobEmulator emulator;
        try
        {
            emulator = await BlobEmulator.StartAsync(options).ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 2;
        }

        await using ConfiguredAsyncDisposable disposeEmulator = emulator.ConfigureAwait(false);
        string credentials = emulator.WriteCredentialsFile(Path.Combine(emulator.DataDirectory, "credentials.properties"));
        string certificate = "";
        if (emulator.Certificate is not null)
        {
            // The public certificate only (no private key), for tools that take a CA file (curl --cacert FILE).
            string pem = emulator.WriteCertificateFile(Path.Combine(emulator.DataDirectory, "emulator-certificate.pem"));
            certificate = $"\n  certificate:     self-signed, SHA-256 {emulator.Certificate.GetCertHashString(HashAlgorithmName.SHA256)}\n  certificate PEM: {pem}";
        }

        await Console.Out.WriteLineAsync($"""
            PartUploader emulator (blob v1, publish v2, metadata v1, query v1, index v1, config v1)
              blob base URL:   {emulator.GetBlobBaseUrl()}
              lookup URL:      {emulator.LookupUrl}
              token URL:       {emulator.TokenUrl}
              credentials:     {credentials}
              catalog / layers: {emulator.DefaultCatalogHrn} / {emulator.DefaultLayerId}, {emulator.IndexLayerId}
              admin:           {emulator.ServiceUrl}_emulator/journal, .../uploads, .../publications, .../versions{certificate}
            Press Ctrl+C to stop.
            """).ConfigureAwait(false);

        TaskCompletionSource stop = new(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.TrySetResult();
        }

        using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using PosixSignalRegistration terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        await stop.Task.ConfigureAwait(false);
        return 0;
    }

    private const string Usage = """
        Usage: PartUploader.Emulator.Host [--urls http://127.0.0.1:5080] [--https] [--data-dir DIR] [--config FILE] [--discard] [--small-pool-blocks] [--verbose]
                 --https  listen on HTTPS with a self-signed certificate made at start; prints its SHA-256 and writes it
                          (public part only) as emulator-certificate.pem beside credentials.properties.
                          With --urls, give https:// URLs.
               PartUploader.Emulator.Host --self-benchmark [--discard] [--small-pool-blocks] [--data-dir DIR]
               PartUploader.Emulator.Host --self-benchmark --target http://127.0.0.1:5080/ --credentials FILE
        """;
}
