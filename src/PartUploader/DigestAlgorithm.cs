namespace PartUploader;

/// <summary>The algorithm of the <c>X-HERE-Digest</c> integrity header sent with every part and single PUT.</summary>
public enum DigestAlgorithm
{
    /// <summary>CRC-32C (Castagnoli), 8 lowercase hex digits: the cheapest per byte, and the default.</summary>
    Crc32C = 0,

    /// <summary>MD5, 32 lowercase hex digits.</summary>
    Md5,

    /// <summary>SHA-1, 40 lowercase hex digits.</summary>
    Sha1,

    /// <summary>SHA-256, 64 lowercase hex digits.</summary>
    Sha256,

    /// <summary>No integrity header. The client still checks what it can (CRC-32C of retried parts on read-back).</summary>
    None,
}
