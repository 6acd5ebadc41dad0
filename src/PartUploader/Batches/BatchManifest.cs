using System.Globalization;
using System.Text.Json;

namespace PartUploader;

/// <summary>Writes a batch's manifest as JSON or CSV: what a publisher needs afterwards, one object (or row) per item.</summary>
internal static class BatchManifest
{
    /// <summary>The CSV header; a column is empty where the item has no value (digests not asked for; size and CRC of a failed item).</summary>
    public const string CsvHeader = "source,handle,size,crc32c,md5,sha1,sha256,error,message";

    public static Task WriteAsync(BatchUploadResult result, Stream destination, BatchManifestFormat format, CancellationToken cancellationToken) => format switch
    {
        BatchManifestFormat.Json => WriteAsync(result, destination, cancellationToken),
        BatchManifestFormat.Csv => WriteCsvAsync(result, destination, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown manifest format."),
    };

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

    /// <summary>RFC 4180: comma-separated, CRLF line ends, fields with a comma, quote or line break quoted (quotes doubled); UTF-8 without a BOM.</summary>
    private static async Task WriteCsvAsync(BatchUploadResult result, Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var writer = new StreamWriter(destination, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024, leaveOpen: true) { NewLine = "\r\n" };
        await using (writer.ConfigureAwait(false))
        {
            await writer.WriteLineAsync(CsvHeader.AsMemory(), cancellationToken).ConfigureAwait(false);
            foreach (BatchItemResult item in result.Items)
            {
                PartUploadResult? stored = item.Result;
                string?[] fields =
                [
                    item.Item.Source,
                    item.Item.DataHandle,
                    stored?.Size.ToString(CultureInfo.InvariantCulture),
                    stored?.Crc32C.ToString("x8", CultureInfo.InvariantCulture),
                    stored?.Md5,
                    stored?.Sha1,
                    stored?.Sha256,
                    stored is null ? (item.Error is PartUploadException { ErrorCode: { } code } ? code : item.Error?.GetType().Name) : null,
                    stored is null ? item.Error?.Message : null,
                ];
                await writer.WriteLineAsync(string.Join(',', fields.Select(Quote)).AsMemory(), cancellationToken).ConfigureAwait(false);
            }

            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Quote(string? field) =>
        field is null ? string.Empty
        : field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field
        : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
