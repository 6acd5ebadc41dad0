using System.Globalization;
using System.Text.Json;

namespace PartUploader;

/// <summary>Writes a batch's manifest as JSON: what a publisher needs afterwards, one object per item.</summary>
internal static class BatchManifest
{
    public static async Task WriteAsync(BatchUploadResult result, Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var writer = new Utf8JsonWriter(destination, new JsonWriterOptions { Indented = true });
        await using System.Runtime.CompilerServices.ConfiguredAsyncDisposable scope = writer.ConfigureAwait(false);
        writer.WriteStartObject();
        writer.WriteNumber("succeeded", result.Succeeded);
        writer.WriteNumber("failed", result.Failed);
        writer.WriteStartArray("items");
        foreach (BatchItemResult item in result.Items)
        {
            writer.WriteStartObject();
            writer.WriteString("source", item.Item.Source);
            writer.WriteString("handle", item.Item.DataHandle);
            if (item.Result is { } stored)
            {
                writer.WriteNumber("size", stored.Size);
                writer.WriteString("crc32c", stored.Crc32C.ToString("x8", CultureInfo.InvariantCulture));
                WriteIfSet(writer, "md5", stored.Md5);
                WriteIfSet(writer, "sha1", stored.Sha1);
                WriteIfSet(writer, "sha256", stored.Sha256);
            }
            else
            {
                writer.WriteString("error", item.Error is PartUploadException { ErrorCode: { } code } ? code : item.Error?.GetType().Name);
                writer.WriteString("message", item.Error?.Message);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
