using System.CommandLine;
using System.Globalization;

namespace PartUploader.Cli.Commands;

/// <summary><c>partupload partitions --catalog --layer [--version N]</c>: the partitions of a layer at a catalog version.</summary>
internal static class PartitionsCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var version = new Option<long?>("--version") { Description = "The catalog version (default: the latest).", HelpName = "n" };
        var command = new Command("partitions", "List the partitions of a layer at a catalog version: id, data handle, size, CRC and checksum. Exit code 6 when the catalog has no version.\n\n" +
            "Examples:\n  partupload partitions --catalog hrn:here:data::myorg:cat --layer tiles\n" +
            "  partupload partitions --version 12 --json --catalog hrn:here:data::myorg:cat --layer tiles");
        common.AddTo(command);
        command.Options.Add(version);
        command.SetAction(async (parse, cancellationToken) =>
        {
            bool json = parse.GetValue(common.Json);
            var output = new PublicationOutput(json);
            string? problem = common.Validate(parse, out Uri? lookupUrl);
            if (problem is null && parse.GetValue(version) is < 0)
            {
                problem = "--version must be 0 or more.";
            }

            if (problem is not null)
            {
                return output.Fail(CliFailure.BadInput(problem));
            }

            try
            {
                using HttpClient http = common.CreateHttpClient();
                PublicationClient client = common.CreateClient(parse, http, lookupUrl).GetPublicationClient();
                long? at = parse.GetValue(version) ?? await client.GetLatestVersionAsync(cancellationToken).ConfigureAwait(false);
                if (at is null)
                {
                    return output.Fail(new CliFailure(ExitCodes.NotFound, "not-found", "The catalog has no version yet: nothing was published to it."));
                }

                IReadOnlyList<PartitionMetadata> partitions = await client.GetPartitionsAsync(parse.GetValue(common.Layer)!, at.Value, cancellationToken).ConfigureAwait(false);
                var events = new JsonEvents(Console.Out);
                foreach (PartitionMetadata p in partitions)
                {
                    if (json)
                    {
                        events.Write("partition", w =>
                        {
                            w.WriteString("partition", p.PartitionId);
                            w.WriteNumber("version", p.Version);
                            w.WriteString("handle", p.DataHandle);
                            WriteOptional(w, "size", p.DataSize);
                            WriteOptional(w, "compressedSize", p.CompressedDataSize);
                            w.WriteString("crc", p.Crc);
                            w.WriteString("checksum", p.Checksum);
                        });
                    }
                    else
                    {
                        await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{p.PartitionId}\t{p.DataHandle}\t{p.DataSize}\t{p.Crc}\t{p.Checksum}")).ConfigureAwait(false);
                    }
                }

                if (json)
                {
                    events.Write("partitions", w =>
                    {
                        w.WriteNumber("version", at.Value);
                        w.WriteNumber("count", partitions.Count);
                    });
                }
                else
                {
                    await Console.Error.WriteLineAsync($"partupload: {partitions.Count} partition(s) at catalog version {at.Value}").ConfigureAwait(false);
                }

                return ExitCodes.Success;
            }
#pragma warning disable CA1031 // Every failure becomes a documented exit code and a message.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                return output.Fail(ex, cancellationToken.IsCancellationRequested);
            }
        });
        return command;
    }

    private static void WriteOptional(System.Text.Json.Utf8JsonWriter writer, string name, long? value)
    {
        if (value is long v)
        {
            writer.WriteNumber(name, v);
        }
    }
}
