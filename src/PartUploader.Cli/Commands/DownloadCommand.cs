using System.CommandLine;
using System.Globalization;

namespace PartUploader.Cli.Commands;

/// <summary>
/// <c>partupload download --catalog --layer --handle --output &lt;file|-&gt; [--range FIRST-LAST]</c>: a blob, or a byte range
/// of it, to a file (written aside and renamed when whole) or to standard output. A body that drops is continued with a
/// ranged request by the SDK.
/// </summary>
internal static class DownloadCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var billingTag = new BillingTagOption();
        var handle = new Option<string>("--handle") { Description = "The data handle of the blob.", Required = true, HelpName = "id" };
        var output = new Option<string>("--output", "-o")
        {
            Description = "The file to write (created or replaced only once the download is whole), or '-' for standard output.",
            Required = true,
            HelpName = "file|-",
        };
        var range = new Option<string?>("--range")
        {
            Description = "Only these bytes: FIRST-LAST (both included; 100-199 is 100 bytes) or FIRST- (to the end). Default: the whole blob.",
            HelpName = "first-last",
        };
        var command = new Command(
            "download",
            "Download a blob, or a byte range of it, to a file or to standard output. A dropped connection is continued where it stopped. " +
            "Exit code 0 when downloaded, 6 when no blob exists under the handle.\n\n" +
            "Examples:\n  partupload download --handle tiles-2026-11 --output tiles.bin --catalog hrn:here:data::myorg:cat --layer tiles\n" +
            "  partupload download --handle big.tar --range 0-1048575 -o head.bin --catalog hrn:here:data::myorg:cat --layer archive\n" +
            "  partupload download --handle logs.ndjson --output - --catalog hrn:here:data::myorg:cat --layer logs | gunzip | head");
        common.AddTo(command);
        command.Options.Add(handle);
        command.Options.Add(output);
        command.Options.Add(range);
        command.Options.Add(billingTag.Option);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var result = new BlobCommandOutput(parse.GetValue(common.Json));
            string dataHandle = parse.GetValue(handle)!;
            string target = parse.GetValue(output)!;
            long offset = 0;
            long? length = null;
            string? problem = common.Validate(parse, out Uri? lookupUrl) ?? billingTag.Validate(parse);
            if (problem is null && parse.GetValue(range) is string rangeText && !ByteRange.TryParse(rangeText, out offset, out length))
            {
                problem = $"--range must be {ByteRange.Forms}; '{rangeText}' is not.";
            }

            problem ??= dataHandle.Length == 0 ? "--handle must not be empty." : CheckOutput(target, result.Json);
            if (problem is not null)
            {
                return result.Fail(CliFailure.BadInput(problem));
            }

            long written;
            try
            {
                using HttpClient http = common.CreateHttpClient();
                PartUploadClient client = common.CreateClient(parse, http, lookupUrl, o => billingTag.Configure(parse, o));
                var options = new DownloadOptions { Offset = offset, Length = length };
                if (target == "-")
                {
                    Stream stdout = Console.OpenStandardOutput();
                    await using (stdout.ConfigureAwait(false))
                    {
                        written = await client.DownloadToAsync(parse.GetValue(common.Layer)!, dataHandle, stdout, options, cancellationToken).ConfigureAwait(false);
                        await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
                else
                {
                    written = await client.DownloadToFileAsync(parse.GetValue(common.Layer)!, dataHandle, target, options, cancellationToken).ConfigureAwait(false);
                }
            }
#pragma warning disable CA1031 // Every failure becomes a documented exit code and a message.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                return result.Fail(BlobCommandOutput.Classify(ex, cancellationToken.IsCancellationRequested, dataHandle));
            }

            string what = parse.GetValue(range) is null ? "the whole blob" : "bytes " + ByteRange.Format(offset, length);
            if (result.Json)
            {
                result.Events.Write("downloaded", w =>
                {
                    w.WriteString("catalog", parse.GetValue(common.Catalog));
                    w.WriteString("layer", parse.GetValue(common.Layer));
                    w.WriteString("handle", dataHandle);
                    w.WriteString("output", target);
                    w.WriteNumber("offset", offset);
                    w.WriteNumber("bytes", written);
                });
            }
            else
            {
                // With --output -, standard output holds the blob: the summary goes to standard error.
                TextWriter summary = target == "-" ? Console.Error : Console.Out;
                await summary.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"downloaded: {dataHandle}, {written} bytes ({what}) to {(target == "-" ? "standard output" : target)}")).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Checks the destination before any request: '-' (not with --json), or a file in an existing directory.</summary>
    private static string? CheckOutput(string target, bool json)
    {
        if (target == "-")
        {
            return json ? "--output - writes the blob to standard output, where --json writes its events: use --output <file> with --json, or leave out --json." : null;
        }

        if (target.Length == 0)
        {
            return "--output needs a file path, or '-' for standard output.";
        }

        string full = Path.GetFullPath(target);
        if (Directory.Exists(full))
        {
            return $"--output '{target}' is a directory; name a file.";
        }

        string? directory = Path.GetDirectoryName(full);
        return directory is null || !Directory.Exists(directory) ? $"--output '{target}' is in a directory that does not exist." : null;
    }
}
