namespace PartUploader.Internal.Hashing;

/// <summary>Bytes held in pieces (for example a part's pooled segments), visited in order: all hashing needs of a buffer.</summary>
internal interface ISpanSource
{
    /// <summary>Calls <paramref name="action"/> for each piece, in byte order.</summary>
    void ForEachSpan(Action<ReadOnlySpan<byte>> action);
}
