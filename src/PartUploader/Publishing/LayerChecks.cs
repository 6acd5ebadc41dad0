namespace PartUploader.Internal.Publishing;

/// <summary>What a layer's configuration rules out before any upload (publish spec 10.5, P35, P37).</summary>
internal static class LayerChecks
{
    /// <summary>Checks the layer against the caller's options and returns the blobs' content type.</summary>
    /// <param name="layer">The layer.</param>
    /// <param name="contentType">The caller's content type, or null.</param>
    /// <param name="checksum">The caller's checksum algorithm, or null.</param>
    /// <param name="allowGzip">True when the caller compresses while uploading to a gzip layer (versioned publications).</param>
    public static string ContentType(LayerSettings layer, string? contentType, PartitionChecksum? checksum, bool allowGzip = false)
    {
        if (layer.SecureHandles)
        {
            throw PublishingErrors.Refused(PartUploadErrorCodes.LayerMismatch, $"The layer '{layer.Id}' uses secure handles, which this client does not support; nothing was sent");
        }

        if (layer.Composite)
        {
            // P34: a composite layer's publication must name the base catalog's version; this client does not send version dependencies.
            throw PublishingErrors.Refused(PartUploadErrorCodes.LayerMismatch, $"The layer '{layer.Id}' extends another catalog's layer (a composite layer), whose publications need version dependencies this client does not send; nothing was sent");
        }

        if (layer.ContentEncoding is not null && !(allowGzip && string.Equals(layer.ContentEncoding, "gzip", StringComparison.OrdinalIgnoreCase)))
        {
            throw PublishingErrors.Refused(PartUploadErrorCodes.LayerMismatch, $"The layer '{layer.Id}' stores '{layer.ContentEncoding}'-encoded data; publishing to encoded layers is not supported yet. Nothing was sent");
        }

        if (contentType is not null && layer.ContentType is not null && !string.Equals(contentType, layer.ContentType, StringComparison.OrdinalIgnoreCase))
        {
            throw PublishingErrors.Refused(PartUploadErrorCodes.LayerMismatch, $"ContentType '{contentType}' differs from the layer's '{layer.ContentType}'; nothing was sent");
        }

        if (layer.FromService && checksum is { } wanted && wanted != layer.Checksum)
        {
            throw PublishingErrors.Refused(PartUploadErrorCodes.LayerMismatch, $"Checksum {wanted} differs from the layer's digest ({layer.Checksum}); nothing was sent");
        }

        return contentType ?? layer.ContentType
            ?? throw PublishingErrors.Refused(PartUploadErrorCodes.ConfigUnavailable, "The layer's content type is unknown (its configuration could not be read): set the options' ContentType. Nothing was sent");
    }
}
