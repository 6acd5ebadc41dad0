using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace PartUploader.Emulator.Internal;

/// <summary>
/// The capacity switch (<see cref="BlobEmulatorOptions.MaxRequestsInFlight"/>): admits a blob-service request into a
/// slot of <see cref="BlobServiceLoad"/>, or answers it 503 with <c>Retry-After</c> without reading its body.
/// </summary>
internal static class CapacityGate
{
    /// <summary>The <see cref="JournalEntry.FaultApplied"/> name of a throttled answer.</summary>
    public const string FaultName = "capacity";

    /// <summary>Whether an operation is a blob-service request that counts towards the limit.</summary>
    public static bool Counts(EmulatorOperation? operation) => operation is EmulatorOperation.StartMultipart
        or EmulatorOperation.UploadPart
        or EmulatorOperation.CompleteMultipart
        or EmulatorOperation.GetStatus
        or EmulatorOperation.CancelMultipart
        or EmulatorOperation.PutBlob
        or EmulatorOperation.HeadBlob
        or EmulatorOperation.GetBlob
        or EmulatorOperation.DeleteBlob;

    /// <summary>Takes a slot for a counted request (stored in <paramref name="state"/>); returns false when the request was answered 503.</summary>
    public static async Task<bool> TryAdmitAsync(HttpContext context, RequestState state, BlobServiceLoad load, BlobEmulatorOptions options)
    {
        if (!Counts(state.Operation))
        {
            return true;
        }

        CapacitySlot? slot = load.TryEnter(options.MaxRequestsInFlight);
        if (slot is not null)
        {
            state.CapacitySlot = slot;
            context.Response.RegisterForDispose(slot);
            return true;
        }

        state.FaultApplied = FaultName;
        long seconds = Math.Max(1, (long)Math.Ceiling(options.CapacityRetryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await ErrorWriter.WriteBlobAsync(context, options.ErrorBodyFormat, 503, "E_EMULATOR_CAPACITY", "The service is busy: too many requests in flight.").ConfigureAwait(false);
        return false;
    }
}
