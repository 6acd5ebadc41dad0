using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace PartUploader.Emulator.Internal;

internal sealed partial class EmulatorService
{
    /// <summary>PUT .../multiparts/{token} (spec 2.3).</summary>
    public async Task CompleteMultipartAsync(HttpContext context)
    {
        BlobRoute? route = await ValidateBlobRouteAsync(context).ConfigureAwait(false);
        if (route is null)
        {
            return;
        }

        UploadSession? session = FindSession(context, route);
        if (session is null || !IsOpen(session))
        {
            await BlobErrorAsync(context, 404, "E_BLOB_UPLOAD_NOT_FOUND", "The multipart upload does not exist.").ConfigureAwait(false);
            return;
        }

        using JsonDocument? body = await ReadJsonAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            return;
        }

        List<(int Number, string ETag)>? listed = ParseCompleteBody(body.RootElement);
        if (listed is null)
        {
            await BlobErrorAsync(context, 400, "E_BLOB_INVALID_REQUEST", "The body must be {\"parts\":[{\"etag\":\"...\",\"number\":1},...]} with at least one part.").ConfigureAwait(false);
            return;
        }

        List<StoredPart> ordered;
        string? problem;
        int problemStatus = 400;
        lock (session.Gate)
        {
            if (session.State != UploadState.Open || session.Completing)
            {
                ordered = [];
                problem = "The multipart upload does not exist.";
                problemStatus = 404;
            }
            else
            {
                problem = CheckCompleteList(session, listed, out ordered);
                if (problem is null)
                {
                    session.Completing = true;
                }
            }
        }

        if (problem is not null)
        {
            await BlobErrorAsync(context, problemStatus, problemStatus == 404 ? "E_BLOB_UPLOAD_NOT_FOUND" : "E_BLOB_INVALID_PARTS", problem).ConfigureAwait(false);
            return;
        }

        try
        {
            await FinishCompleteAsync(context, session, route, ordered).ConfigureAwait(false);
        }
        finally
        {
            lock (session.Gate)
            {
                session.Completing = false;
            }
        }
    }

    private async Task FinishCompleteAsync(HttpContext context, UploadSession session, BlobRoute route, List<StoredPart> ordered)
    {
        RequestState state = State(context);
        DateTimeOffset processingUntil = Clock.GetUtcNow() + Options.ProcessingDelay;
        bool fail = state.FailUpload || session.ForceFail || Options.CompletionOutcome == CompletionOutcome.Failed;
        long total = ordered.Sum(p => p.Length);
        if (fail)
        {
            if (_blobs.ContainsKey(route.Key))
            {
                await BlobErrorAsync(context, 409, "E_BLOB_DATA_HANDLE_EXISTS", "The data handle already holds a blob.").ConfigureAwait(false);
                return;
            }

            Close(session, UploadState.Failed, processingUntil);
            context.Response.StatusCode = 204;
            return;
        }

        uint crc = 0;
        bool first = true;
        foreach (StoredPart part in ordered)
        {
            crc = first ? part.Crc32C : Crc32CMath.Combine(crc, part.Crc32C, part.Length);
            first = false;
        }

        // The listed part files become the blob's segments, in assembly order: no copy, so complete is O(1).
        IReadOnlyList<BlobSegment>? segments = Options.DiscardData ? null : [.. ordered.Select(p => new BlobSegment(p.FilePath!, p.Length))];
        RegisterBlob(route.Key, total, crc, session.ContentType, session.ContentEncoding, segments, processingUntil, out bool added);
        if (!added)
        {
            await BlobErrorAsync(context, 409, "E_BLOB_DATA_HANDLE_EXISTS", "The data handle already holds a blob.").ConfigureAwait(false);
            return;
        }

        Close(session, UploadState.Completed, processingUntil, keep: ordered);
        context.Response.StatusCode = 204;
    }

    private static void Close(UploadSession session, UploadState finalState, DateTimeOffset processingUntil, IReadOnlyCollection<StoredPart>? keep = null)
    {
        HashSet<int> kept = keep is null ? [] : [.. keep.Select(p => p.Number)];
        List<string?> files;
        lock (session.Gate)
        {
            session.State = finalState;
            session.ProcessingUntil = processingUntil;
            files = [.. session.Parts.Values.Where(p => !kept.Contains(p.Number)).Select(p => p.FilePath)];
            session.Parts.Clear();
        }

        files.ForEach(TryDelete);
    }

    private string? CheckCompleteList(UploadSession session, List<(int Number, string ETag)> listed, out List<StoredPart> ordered)
    {
        ordered = new List<StoredPart>(listed.Count);
        HashSet<int> seen = [];
        int previous = 0;
        foreach ((int number, string etag) in listed)
        {
            if (!seen.Add(number))
            {
                return $"Part number {number} is listed more than once.";
            }

            if (Options.RequireAscendingPartList && number <= previous)
            {
                return "The parts must be listed in ascending part-number order.";
            }

            previous = number;
            if (!session.Parts.TryGetValue(number, out StoredPart? part) || !string.Equals(part.ETag, etag, StringComparison.Ordinal))
            {
                return ServiceLimits.PartsNotFoundMessage;
            }

            ordered.Add(part);
        }

        if (Options.RequireConsecutivePartNumbers && (seen.Min() != 1 || seen.Max() != listed.Count))
        {
            return "The part numbers must be consecutive from 1.";
        }

        if (Options.AssembleBy == PartAssemblyOrder.NumberOrder)
        {
            ordered.Sort((a, b) => a.Number.CompareTo(b.Number));
        }

        for (int i = 0; i < ordered.Count - 1; i++)
        {
            if (ordered[i].Length < Options.MinimumPartSize)
            {
                return $"Part {ordered[i].Number} is smaller than the minimum part size of {Options.MinimumPartSize} bytes; only the last part may be smaller.";
            }
        }

        if (ordered.Sum(p => p.Length) > ServiceLimits.MaxBlobSize)
        {
            return "The blob would exceed 50 GB.";
        }

        return null;
    }

    private static List<(int Number, string ETag)>? ParseCompleteBody(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("parts", out JsonElement parts)
            || parts.ValueKind != JsonValueKind.Array
            || parts.GetArrayLength() is 0 or > ServiceLimits.MaxPartNumber)
        {
            return null;
        }

        List<(int, string)> result = [];
        foreach (JsonElement part in parts.EnumerateArray())
        {
            if (part.ValueKind != JsonValueKind.Object
                || !part.TryGetProperty("etag", out JsonElement etag) || etag.ValueKind != JsonValueKind.String
                || !part.TryGetProperty("number", out JsonElement number) || number.ValueKind != JsonValueKind.Number
                || !number.TryGetInt32(out int value) || value is < 1 or > ServiceLimits.MaxPartNumber)
            {
                return null;
            }

            result.Add((value, etag.GetString()!));
        }

        return result;
    }
}
