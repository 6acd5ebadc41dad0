namespace PartUploader;

/// <summary>How part numbers are given to attempts (each attempt of a part needs a number the service has not seen before).</summary>
public enum PartNumbering
{
    /// <summary>
    /// First attempts are numbered 1..N in byte order; every retry takes the next number above all
    /// numbers issued so far. The complete call lists parts in byte order. The default.
    /// </summary>
    FreshOnRetry = 0,

    /// <summary>
    /// Part <c>i</c> (0-based) owns the numbers <c>i*k+1 .. i*k+k</c>, where <c>k</c> is
    /// <see cref="PartUploadClientOptions.ReservedNumbersPerPart"/>: number order equals byte order
    /// whatever the service does, at the cost of gaps and of at most <c>10,000 / k</c> parts.
    /// </summary>
    Reserved,
}
