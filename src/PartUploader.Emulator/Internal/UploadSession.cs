namespace PartUploader.Emulator.Internal;

/// <summary>One accepted part of an upload.</summary>
internal sealed record StoredPart(int Number, string ETag, long Length, uint Crc32C, string? FilePath);

/// <summary>The server-side state of one multipart upload. Mutable fields are guarded by <see cref="Gate"/>.</summary>
internal sealed class UploadSession
{
    private readonly List<int> _numbersReceived = [];

    public UploadSession(long sequence, string id, string catalogHrn, string layerId, string dataHandle, string contentType, string? contentEncoding, DateTimeOffset createdAt)
    {
        Sequence = sequence;
        Id = id;
        CatalogHrn = catalogHrn;
        LayerId = layerId;
        DataHandle = dataHandle;
        ContentType = contentType;
        ContentEncoding = contentEncoding;
        CreatedAt = createdAt;
    }

    public Lock Gate { get; } = new();

    public long Sequence { get; }

    public string Id { get; }

    public string CatalogHrn { get; }

    public string LayerId { get; }

    public string DataHandle { get; }

    public string ContentType { get; }

    public string? ContentEncoding { get; }

    public DateTimeOffset CreatedAt { get; }

    public UploadState State { get; set; }

    public bool Completing { get; set; }

    public bool ForceFail { get; set; }

    public DateTimeOffset ProcessingUntil { get; set; }

    public Dictionary<int, StoredPart> Parts { get; } = [];

    public void RecordNumber(int number)
    {
        lock (Gate)
        {
            _numbersReceived.Add(number);
        }
    }

    public UploadRecord ToRecord()
    {
        lock (Gate)
        {
            return new UploadRecord { UploadId = Id, CatalogHrn = CatalogHrn, LayerId = LayerId, DataHandle = DataHandle, State = State, PartNumbersReceived = [.. _numbersReceived], CreatedAt = CreatedAt };
        }
    }
}
