using static System.FormattableString;

namespace PartUploader.Benchmarks;

/// <summary>
/// <c>--check</c>: after the run, fails (exit code 3) when an SDK case allocated on the large object heap at all, or
/// allocated more than <see cref="MaxAllocatedBytesPerMiB"/> per MiB uploaded. A guard for a local run before a
/// performance change is merged; not a test, and never run in CI (the figures need a quiet machine and minutes).
/// </summary>
internal static class AllocationCheck
{
    /// <summary>
    /// The bound on bytes allocated per MiB uploaded, in every checked case, TLS or not, quick or full: 24 KiB.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Chosen from what the code measured when the check was added, in <c>--quick</c> runs (one repetition after one
    /// warm-up; 16 MiB to 1000 MiB uploads, so per-upload costs weigh more than in a full run). Leaving aside the one
    /// 1 MiB array the file path then rented for its change-detection fingerprint (8 KiB per MiB of a 128 MiB upload when
    /// the pool missed; since replaced by a pooled 64 KiB buffer, so no case allocates on the LOH), the checked cases allocated 1.4 to 3.5 KiB per
    /// MiB, up to 8.9 KiB for wan sdk c=1 (a 16 MiB upload: its fixed costs over few bytes), and up to about 11 KiB
    /// for sdk-file-tls when the SDK opens new TLS connections during the measured repetition (each handshake
    /// allocates). Twice that maximum, rounded up, is the bound. The last full run measured 0.9 to 2.9 KiB per MiB.
    /// </para>
    /// <para>
    /// A quick run has one repetition, so a one-off growth lands in it in full: once in about ten quick runs the
    /// process-wide segment cache grew during sdk-stream's measured repetition (67 KiB per MiB). The full run's median of
    /// five repetitions does not see such growth.
    /// </para>
    /// </remarks>
    public const double MaxAllocatedBytesPerMiB = 24 * 1024;

    /// <summary>
    /// The cases checked: an SDK upload of one blob in parts (sdk-file, sdk-stream, sdk-synthetic; so sdk-file,
    /// sdk-file-tls, sdk-stream, scale, wan's SDK cases and parts10k) measured after a warm-up. Not checked: raw and
    /// naive (not the SDK), batch and publish (their bytes per MiB are per-file costs of many small blobs), and cases
    /// without a warm-up (busy), whose first repetition includes the JIT's one-off allocations.
    /// </summary>
    public static bool Applies(CaseSpec spec) =>
        spec.Kind is "sdk-file" or "sdk-stream" or "sdk-synthetic" && spec.Warmups > 0;

    /// <summary>Prints one line per checked case that fails (case and figure), then a verdict.</summary>
    /// <returns>True when every checked case is within the bounds.</returns>
    public static bool Run(IReadOnlyList<CaseSummary> summaries)
    {
        List<CaseSummary> checkedCases = [.. summaries.Where(s => s.Checked && s.Error is null)];
        var failures = new List<string>();
        foreach (CaseSummary s in checkedCases)
        {
            if (s.LohBytesPerMiB > 0)
            {
                failures.Add(Invariant($"{s.Scenario} {s.Case}: LOH {s.LohBytesPerMiB:F1} B per MiB uploaded (bound: 0)"));
            }

            if (s.AllocatedBytesPerMiB > MaxAllocatedBytesPerMiB)
            {
                failures.Add(Invariant($"{s.Scenario} {s.Case}: allocated {s.AllocatedBytesPerMiB:F0} B per MiB uploaded (bound: {MaxAllocatedBytesPerMiB:F0})"));
            }
        }

        Console.WriteLine();
        foreach (string failure in failures)
        {
            Console.WriteLine("check FAILED: " + failure);
        }

        Console.WriteLine(failures.Count == 0
            ? Invariant($"check passed: {checkedCases.Count} SDK case(s), no LOH bytes, at most {MaxAllocatedBytesPerMiB:F0} B allocated per MiB uploaded.")
            : Invariant($"check failed: {failures.Count} figure(s) out of bounds in {checkedCases.Count} SDK case(s)."));
        return failures.Count == 0;
    }
}
