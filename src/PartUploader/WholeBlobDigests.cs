namespace PartUploader;

/// <summary>Digests of the whole blob to compute in the same read pass (values publishers need for partition metadata).</summary>
/// <remarks>The whole-blob CRC-32C is always computed (combined from the parts at no extra cost).</remarks>
[Flags]
public enum WholeBlobDigests
{
    /// <summary>None besides the CRC-32C.</summary>
    None = 0,

    /// <summary>MD5 of the whole blob.</summary>
    Md5 = 1,

    /// <summary>SHA-1 of the whole blob (the <c>checksum</c> of HERE partition metadata).</summary>
    Sha1 = 2,

    /// <summary>SHA-256 of the whole blob.</summary>
    Sha256 = 4,
}
