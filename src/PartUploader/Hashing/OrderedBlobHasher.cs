using System.Security.Cryptography;

namespace PartUploader.Internal.Hashing;

/// <summary>
/// Whole-blob MD5/SHA-1/SHA-256 in the same read pass: parts read in parallel are fed in byte order
/// (each waits for its predecessor, which always holds its buffer already).
/// </summary>
internal sealed class OrderedBlobHasher : IDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<int, TaskCompletionSource> _waiting = [];
    private readonly IncrementalHash? _md5;
    private readonly IncrementalHash? _sha1;
    private readonly IncrementalHash? _sha256;
    private int _next;

    public OrderedBlobHasher(WholeBlobDigests digests)
    {
        _md5 = digests.HasFlag(WholeBlobDigests.Md5) ? PartHasher.CreateCrypto(DigestAlgorithm.Md5) : null;
        _sha1 = digests.HasFlag(WholeBlobDigests.Sha1) ? PartHasher.CreateCrypto(DigestAlgorithm.Sha1) : null;
        _sha256 = digests.HasFlag(WholeBlobDigests.Sha256) ? PartHasher.CreateCrypto(DigestAlgorithm.Sha256) : null;
    }

    public bool IsActive => _md5 is not null || _sha1 is not null || _sha256 is not null;

    public async ValueTask AppendAsync(int index, ISpanSource buffer, CancellationToken cancellationToken)
    {
        if (!IsActive)
        {
            return;
        }

        Task? turn = null;
        lock (_gate)
        {
            if (index != _next)
            {
                var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiting[index] = waiter;
                turn = waiter.Task;
            }
        }

        if (turn is not null)
        {
            await turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        buffer.ForEachSpan(span =>
        {
            _md5?.AppendData(span);
            _sha1?.AppendData(span);
            _sha256?.AppendData(span);
        });

        lock (_gate)
        {
            _next = index + 1;
            if (_waiting.Remove(_next, out TaskCompletionSource? successor))
            {
                successor.TrySetResult();
            }
        }
    }

    public (string? Md5, string? Sha1, string? Sha256) Finish() =>
        (Hex(_md5), Hex(_sha1), Hex(_sha256));

    private static string? Hex(IncrementalHash? hash) => hash is null ? null : Convert.ToHexStringLower(hash.GetHashAndReset());

    public void Dispose()
    {
        _md5?.Dispose();
        _sha1?.Dispose();
        _sha256?.Dispose();
    }
}
