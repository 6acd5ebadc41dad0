using System.Text.Encodings.Web;
using System.Text.Json;

namespace PartUploader.Cli;

/// <summary>Writes one compact JSON document per line (JSON Lines) to standard output; thread-safe.</summary>
internal sealed class JsonEvents(TextWriter output)
{
    private static readonly JsonWriterOptions s_options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly Lock _lock = new();

    public void Write(string eventName, Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, s_options))
        {
            writer.WriteStartObject();
            writer.WriteString("event", eventName);
            body(writer);
            writer.WriteEndObject();
        }

        string line = System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        lock (_lock)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }

    public void WriteFailure(CliFailure failure) => Write("failed", w =>
    {
        w.WriteNumber("exitCode", failure.ExitCode);
        w.WriteString("error", failure.Kind);
        w.WriteString("message", failure.Message);
        if (failure.Status is int status)
        {
            w.WriteNumber("status", status);
        }

        if (failure.ErrorCode is not null)
        {
            w.WriteString("errorCode", failure.ErrorCode);
        }

        if (failure.CorrelationId is not null)
        {
            w.WriteString("correlationId", failure.CorrelationId);
        }

        if (failure.CancelledOnServer is bool cancelled)
        {
            w.WriteBoolean("cancelledOnServer", cancelled);
        }

        if (failure.BlobStored)
        {
            w.WriteBoolean("blobStored", true);
        }

        if (failure.UploadId is not null)
        {
            w.WriteString("uploadId", failure.UploadId);
        }
    });
}
