using PartUploader.Internal.Protocol;

namespace PartUploader.Internal.Transfer;

/// <summary>What a multipart session reports as it happens: the resume journal's only inputs.</summary>
internal interface ISessionObserver
{
    /// <summary>The upload was started on the service (not called for a resumed one).</summary>
    void Started(MultipartUpload upload, PartPlan plan);

    /// <summary>A part number is about to be used for the first time: it must be on record first (never reused after a crash).</summary>
    void NumberIssued(int number);

    /// <summary>The service acknowledged a part.</summary>
    void Acknowledged(PartRecord part);

    /// <summary>The complete call is about to be sent.</summary>
    void Completing();
}

/// <summary>
/// The opt-in resume journal as an observer of the session: written after start, before a fresh number is used, after
/// each acknowledged part and before the complete call; nothing else writes it.
/// </summary>
internal sealed class SessionJournal : ISessionObserver
{
    private readonly JournalRequest _request;
    private readonly UploadContext _context;
    private UploadJournal? _journal;

    private SessionJournal(JournalRequest request, UploadContext context, JournalState? resumed)
    {
        _request = request;
        _context = context;
        _journal = resumed is null ? null : new UploadJournal(request.Path, resumed);
    }

    /// <summary>The journal of an upload that asked for one, or null.</summary>
    public static SessionJournal? For(UploadContext context) =>
        context.Request.Journal is { } request ? new SessionJournal(request, context, request.ResumeFrom) : null;

    public void Started(MultipartUpload upload, PartPlan plan)
    {
        UploadRequest request = _context.Request;
        var state = new JournalState
        {
            BaseUrl = _context.Endpoint.BaseUrl.AbsoluteUri,
            LayerId = request.LayerId,
            DataHandle = request.DataHandle,
            ContentType = request.ContentType,
            ContentEncoding = request.ContentEncoding,
            UploadId = upload.UploadId,
            Links = new JournalLinks(upload.UploadPart, upload.Complete, upload.Status, upload.Delete),
            Source = _request.Source,
            TotalLength = plan.TotalLength ?? 0,
            PartSize = plan.BaseSize,
            PartCount = plan.PartCount ?? 0,
            NumbersReservedThrough = plan.PartCount ?? 0,
        };
        _journal = new UploadJournal(_request.Path, state);
        _journal.Save();
    }

    public void NumberIssued(int number) => _journal?.EnsureReserved(number);

    public void Acknowledged(PartRecord part) =>
        _journal?.Save(state =>
        {
            state.Acknowledged.Add(new JournalPart(part.Index, part.AckedNumber!.Value, part.ETag!, part.Crc32C, part.DigestHeader, part.Offset, part.Length, part.Retried));
            state.IssuedNumbers.AddRange(part.NumbersTried);
        });

    public void Completing() => _journal?.Save(state => state.Completing = true);

    /// <summary>Removes the journal once the upload ended (completed, unless the caller keeps it; or cancelled on the service).</summary>
    public void Ended(bool completed)
    {
        if (!completed || !_request.KeepOnSuccess)
        {
            _journal?.Delete();
        }
    }
}
