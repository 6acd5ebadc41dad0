using PartUploader.Emulator;

namespace PartUploader.IntegrationTests.EndToEnd;

/// <summary>Every source kind and the splitting edges, end to end against the emulator.</summary>
public sealed class UploadSourcesTests(EmulatorFixture fixture) : EmulatorTestBase(fixture), IClassFixture<EmulatorFixture>
{
    public enum SourceKind
    {
        File,
        SeekableAtOffset,
        NonSeekable,
    }

    public static TheoryData<long, SourceKind> Cases()
    {
        var data = new TheoryData<long, SourceKind>();
        foreach (long size in new[] { 0L, 1L, (5 * MiB) - 1, 5 * MiB, (5 * MiB) + 1, (3 * 5 * MiB) + 17 })
        {
            foreach (SourceKind kind in Enum.GetValues<SourceKind>())
            {
                data.Add(size, kind);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task UploadAsync_ForcedMultipart_StoresByteIdenticalBlob(long size, SourceKind kind)
    {
        byte[] data = Data(size, seed: (int)size);
        string handle = NewHandle("src");
        PartUploadClient sut = CreateClient();

        PartUploadResult result = await UploadAsync(sut, kind, data, Options(handle));

        ShouldHaveStored(handle, data);
        ShouldNeverReuseNumbers(handle);
        result.Size.ShouldBe(size);
        result.Multipart.ShouldBeTrue();
        int expectedParts = size == 0 ? 1 : (int)((size + (5 * MiB) - 1) / (5 * MiB));
        result.PartCount.ShouldBe(expectedParts);
        result.PartNumbers.ShouldBe(Enumerable.Range(1, expectedParts));
        result.Crc32C.ShouldBe(Emulator.GetBlob(BlobEmulatorOptions.DemoVersionedLayerId, handle)!.Crc32C);
        UploadOf(handle).State.ShouldBe(UploadState.Completed);
        Diagnostics.Pool!.Outstanding.ShouldBe(0);
    }

    [Theory]
    [InlineData(SourceKind.File)]
    [InlineData(SourceKind.SeekableAtOffset)]
    [InlineData(SourceKind.NonSeekable)]
    public async Task UploadAsync_BelowThreshold_UsesSinglePut(SourceKind kind)
    {
        byte[] data = Data(3 * MiB, seed: 3);
        string handle = NewHandle("single");
        PartUploadClient sut = CreateClient();

        PartUploadResult result = await UploadAsync(sut, kind, data, Options(handle, forceMultipart: false));

        ShouldHaveStored(handle, data);
        result.Multipart.ShouldBeFalse();
        Emulator.Journal.Entries.Where(e => e.Path.Contains(handle, StringComparison.Ordinal)).Select(e => e.Operation)
            .ShouldBe([EmulatorOperation.PutBlob]);
    }

    [Fact]
    public async Task UploadAsync_NonSeekableStream_IsReadToItsEndAndNotDisposed()
    {
        byte[] data = Data((12 * MiB) + 3, seed: 12);
        string handle = NewHandle("pipe");
        var stream = new NonSeekableStream(data);

        PartUploadResult result = await CreateClient().UploadAsync(stream, Options(handle));

        ShouldHaveStored(handle, data);
        result.PartCount.ShouldBe(3);
        stream.Disposed.ShouldBeFalse();
    }

    [Fact]
    public async Task UploadAsync_WholeBlobDigests_MatchTheSource()
    {
        byte[] data = Data((11 * MiB) + 5, seed: 11);
        string handle = NewHandle("digests");
        PartUploadOptions options = Options(handle);
        options.WholeBlobDigests = WholeBlobDigests.Md5 | WholeBlobDigests.Sha1 | WholeBlobDigests.Sha256;

        PartUploadResult result = await CreateClient(o => o.MaxConcurrency = 3).UploadAsync(WriteFile(data), options);

        result.Sha256.ShouldBe(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(data)));
#pragma warning disable CA5350, CA5351
        result.Sha1.ShouldBe(Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(data)));
        result.Md5.ShouldBe(Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(data)));
#pragma warning restore CA5350, CA5351
    }

    [Theory]
    [InlineData(DigestAlgorithm.Crc32C, "CRC-32C:")]
    [InlineData(DigestAlgorithm.Md5, "MD5:")]
    [InlineData(DigestAlgorithm.Sha1, "SHA1:")]
    [InlineData(DigestAlgorithm.Sha256, "SHA256:")]
    [InlineData(DigestAlgorithm.None, null)]
    public async Task UploadAsync_EachDigestAlgorithm_IsAcceptedByTheService(DigestAlgorithm algorithm, string? prefix)
    {
        byte[] data = Data((6 * MiB) + 1, seed: 6);
        string handle = NewHandle("alg");

        await CreateClient(o => o.DigestAlgorithm = algorithm).UploadAsync(WriteFile(data), Options(handle));

        ShouldHaveStored(handle, data);
        string id = UploadOf(handle).UploadId;
        var digests = Emulator.Journal.Entries.Where(e => e.UploadId == id && e.Operation == EmulatorOperation.UploadPart).Select(e => e.DigestHeader).ToList();
        digests.Count.ShouldBe(2);
        if (prefix is null)
        {
            digests.ShouldAllBe(d => d == null);
        }
        else
        {
            foreach (string? digest in digests)
            {
                digest.ShouldNotBeNull();
                digest.ShouldStartWith(prefix, Case.Sensitive);
                string hex = digest.Substring(prefix.Length);
                hex.ShouldBe(hex.ToLowerInvariant());
            }
        }
    }

    [Fact]
    public async Task UploadAsync_ConcurrencyLimit_IsNeverExceeded()
    {
        byte[] data = Data(12 * 5 * MiB, seed: 60);
        string handle = NewHandle("window");

        await CreateClient(o => o.MaxConcurrency = 3).UploadAsync(WriteFile(data), Options(handle));

        ShouldHaveStored(handle, data);
        PeakConcurrentParts(handle).ShouldBeLessThanOrEqualTo(3);
        Diagnostics.PeakInFlight.ShouldBeLessThanOrEqualTo(3);
        Diagnostics.PeakInFlight.ShouldBeGreaterThan(1, "parts should overlap: a sliding window, not one at a time");
        Diagnostics.Pool!.PeakBytes.ShouldBeLessThanOrEqualTo(64 * MiB);
        Diagnostics.Pool.Outstanding.ShouldBe(0);
    }

    [Fact]
    public async Task UploadAsync_ProgressReports_AreMonotonicAndEndAtTheTotal()
    {
        byte[] data = Data((4 * 5 * MiB) + 100, seed: 21);
        var reports = new List<UploadProgress>();
        var progress = new SynchronousProgress(reports);
        PartUploadOptions options = Options(NewHandle("progress"));
        options.Progress = progress;

        await CreateClient().UploadAsync(WriteFile(data), options);
        int countAtReturn = reports.Count;

        reports.ShouldNotBeEmpty();
        reports.Zip(reports.Skip(1)).ShouldAllBe(p => p.Second.BytesSent >= p.First.BytesSent && p.Second.BytesAcknowledged >= p.First.BytesAcknowledged);
        reports.ShouldAllBe(r => r.BytesSent <= data.Length && r.BytesAcknowledged <= r.BytesSent);
        reports[^1].BytesAcknowledged.ShouldBe(data.Length);
        reports[^1].PartsCompleted.ShouldBe(5);
        reports.Count.ShouldBe(countAtReturn);
    }

    private static Task<PartUploadResult> UploadAsync(PartUploadClient sut, SourceKind kind, byte[] data, PartUploadOptions options, string? path = null)
    {
        switch (kind)
        {
            case SourceKind.File:
                string file = Path.Combine(Path.GetTempPath(), "pu-" + Guid.NewGuid().ToString("N"));
                File.WriteAllBytes(file, data);
                return UploadAndDeleteAsync(sut, file, options);
            case SourceKind.SeekableAtOffset:
                byte[] prefixed = new byte[data.Length + 123];
                data.CopyTo(prefixed, 123);
                var stream = new MemoryStream(prefixed) { Position = 123 };
                return sut.UploadAsync(stream, options);
            default:
                return sut.UploadAsync(new NonSeekableStream(data), options);
        }
    }

    private static async Task<PartUploadResult> UploadAndDeleteAsync(PartUploadClient sut, string file, PartUploadOptions options)
    {
        try
        {
            return await sut.UploadAsync(file, options);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private sealed class SynchronousProgress(List<UploadProgress> reports) : IProgress<UploadProgress>
    {
        public void Report(UploadProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}
