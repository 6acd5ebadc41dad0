using System.CommandLine;

namespace PartUploader.Cli.Commands;

/// <summary><c>partupload delete --catalog --layer --handle</c>: deletes a blob (the service allows it on index layers only).</summary>
internal static class DeleteCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var billingTag = new BillingTagOption();
        var handle = new Option<string>("--handle") { Description = "The data handle of the blob to delete.", Required = true, HelpName = "id" };
        var command = new Command(
            "delete",
            "Delete a blob by its data handle. The service allows it on index layers only (elsewhere it answers 403: exit code 3). " +
            "The handle stays used: it cannot hold a new blob. Exit code 0 when deleted, 6 when no blob exists under the handle.\n\n" +
            "Examples:\n  partupload delete --handle tiles-2026-11 --catalog hrn:here:data::myorg:cat --layer index\n" +
            "  partupload delete --handle old.bin --billing-tag team42 --json --catalog hrn:here:data::myorg:cat --layer index");
        common.AddTo(command);
        command.Options.Add(handle);
        command.Options.Add(billingTag.Option);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var result = new BlobCommandOutput(parse.GetValue(common.Json));
            string dataHandle = parse.GetValue(handle)!;
            string? problem = common.Validate(parse, out Uri? lookupUrl) ?? billingTag.Validate(parse)
                ?? (dataHandle.Length == 0 ? "--handle must not be empty." : null);
            if (problem is not null)
            {
                return result.Fail(CliFailure.BadInput(problem));
            }

            try
            {
                using HttpClient http = common.CreateHttpClient();
                PartUploadClient client = common.CreateClient(parse, http, lookupUrl, o => billingTag.Configure(parse, o));
                await client.DeleteAsync(parse.GetValue(common.Layer)!, dataHandle, cancellationToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Every failure becomes a documented exit code and a message.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                CliFailure failure = BlobCommandOutput.Classify(ex, cancellationToken.IsCancellationRequested, dataHandle);
                if (failure.Status == 403)
                {
                    failure = failure with { Message = failure.Message + " Blobs can be deleted from index layers only, and the credentials need write access to the layer." };
                }

                return result.Fail(failure);
            }

            if (result.Json)
            {
                result.Events.Write("deleted", w =>
                {
                    w.WriteString("catalog", parse.GetValue(common.Catalog));
                    w.WriteString("layer", parse.GetValue(common.Layer));
                    w.WriteString("handle", dataHandle);
                });
            }
            else
            {
                await Console.Out.WriteLineAsync($"deleted: {parse.GetValue(common.Catalog)} layer {parse.GetValue(common.Layer)} handle {dataHandle}").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
