using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using PartUploader.Emulator;

namespace PartUploader.Cli.Commands;

/// <summary><c>partupload emulator</c>: runs the local blob service emulator in the foreground until Ctrl+C.</summary>
internal static class EmulatorCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port")
        {
            Description = "The port on 127.0.0.1 (default 0: the OS picks a free one).",
            DefaultValueFactory = _ => 0,
            HelpName = "port",
        };
        var dataDir = new Option<string?>("--data-dir")
        {
            Description = "Where blobs are kept (default: a temporary directory, deleted on exit).",
            HelpName = "dir",
        };
        var credentialsOut = new Option<string?>("--credentials-file")
        {
            Description = "Where to write the emulator's credentials.properties (default: in the data directory).",
            HelpName = "file",
        };
        var https = new Option<bool>("--https")
        {
            Description = "Listen on HTTPS with a self-signed certificate made at start; its public part is written as a PEM file " +
                "for the other commands' --trust-certificate, and its SHA-256 is printed.",
        };
        var certificateOut = new Option<string?>("--certificate-file")
        {
            Description = "With --https: where to write the certificate's PEM (default: emulator-certificate.pem in the data directory).",
            HelpName = "file",
        };
        var json = new Option<bool>("--json") { Description = "Print the URLs as one JSON document." };
        var command = new Command(
            "emulator",
            "Run the local emulator of the blob v1 service, its API lookup and token endpoints on 127.0.0.1, in the foreground. " +
            "Prints its URLs and the credentials file to use with --credentials and --lookup-url. Ctrl+C stops it.\n\n" +
            "Examples:\n  partupload emulator\n  partupload emulator --port 8085 --data-dir ./emulator-data --json\n  partupload emulator --https --certificate-file ./emulator.pem");
        command.Options.Add(port);
        command.Options.Add(dataDir);
        command.Options.Add(credentialsOut);
        command.Options.Add(https);
        command.Options.Add(certificateOut);
        command.Options.Add(json);
        command.SetAction(async (parse, cancellationToken) =>
        {
            int portNumber = parse.GetValue(port);
            if (portNumber is < 0 or > 65535)
            {
                await Console.Error.WriteLineAsync("partupload: bad-input: --port must be within 0 and 65535.").ConfigureAwait(false);
                return ExitCodes.BadInput;
            }

            bool useHttps = parse.GetValue(https);
            string? certificatePath = parse.GetValue(certificateOut);
            if (certificatePath is not null && (!useHttps || string.IsNullOrWhiteSpace(certificatePath)))
            {
                await Console.Error.WriteLineAsync("partupload: bad-input: --certificate-file needs --https and a file path.").ConfigureAwait(false);
                return ExitCodes.BadInput;
            }

            var options = new BlobEmulatorOptions { DataDirectory = parse.GetValue(dataDir), UseHttps = useHttps };
            if (portNumber != 0)
            {
                options.Urls = (useHttps ? "https" : "http") + "://127.0.0.1:" + portNumber.ToString(CultureInfo.InvariantCulture);
            }

            BlobEmulator emulator;
            try
            {
                emulator = await BlobEmulator.StartAsync(options, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                await Console.Error.WriteLineAsync($"partupload: other: the emulator could not start: {ex.Message}").ConfigureAwait(false);
                return ExitCodes.Other;
            }

            await using (emulator.ConfigureAwait(false))
            {
                string credentials;
                string? certificate = null;
                try
                {
                    credentials = emulator.WriteCredentialsFile(parse.GetValue(credentialsOut) ?? Path.Combine(emulator.DataDirectory, "credentials.properties"));
                    if (emulator.Certificate is not null)
                    {
                        // The public part only (no private key): what --trust-certificate (or curl --cacert) takes.
                        certificate = emulator.WriteCertificateFile(certificatePath ?? Path.Combine(emulator.DataDirectory, "emulator-certificate.pem"));
                    }
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    await Console.Error.WriteLineAsync($"partupload: bad-input: a file could not be written: {ex.Message}").ConfigureAwait(false);
                    return ExitCodes.BadInput;
                }

                string? sha256 = emulator.Certificate?.GetCertHashString(HashAlgorithmName.SHA256);
                if (parse.GetValue(json))
                {
                    new JsonEvents(Console.Out).Write("emulator", w =>
                    {
                        w.WriteString("serviceUrl", emulator.ServiceUrl.ToString());
                        w.WriteString("blobUrl", emulator.GetBlobBaseUrl().ToString());
                        w.WriteString("lookupUrl", emulator.LookupUrl.ToString());
                        w.WriteString("tokenUrl", emulator.TokenUrl.ToString());
                        w.WriteString("credentialsFile", credentials);
                        w.WriteString("catalog", emulator.DefaultCatalogHrn);
                        w.WriteString("layer", emulator.DefaultLayerId);
                        w.WriteString("indexLayer", emulator.IndexLayerId);
                        w.WriteString("dataDirectory", emulator.DataDirectory);
                        w.WriteString("certificateFile", certificate);
                        w.WriteString("certificateSha256", sha256);
                    });
                }
                else
                {
                    string tls = certificate is null ? string.Empty : $"""

                          certificate:  self-signed, SHA-256 {sha256}
                          cert PEM:     {certificate}
                        """;
                    await Console.Out.WriteLineAsync($"""
                        PartUploader emulator (Ctrl+C stops it)
                          blob URL:     {emulator.GetBlobBaseUrl()}
                          lookup URL:   {emulator.LookupUrl}
                          token URL:    {emulator.TokenUrl}
                          credentials:  {credentials}
                          catalog:      {emulator.DefaultCatalogHrn}
                          layers:       {emulator.DefaultLayerId} (versioned), {emulator.IndexLayerId} (index)
                          data:         {emulator.DataDirectory}{tls}
                        Upload with:
                          partupload upload FILE --catalog {emulator.DefaultCatalogHrn} --layer {emulator.DefaultLayerId} --credentials {credentials} --lookup-url {emulator.LookupUrl}{(certificate is null ? string.Empty : " --trust-certificate " + certificate)}
                        """).ConfigureAwait(false);
                }

                await Console.Out.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    await Console.Error.WriteLineAsync("partupload: emulator stopped.").ConfigureAwait(false);
                }
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
