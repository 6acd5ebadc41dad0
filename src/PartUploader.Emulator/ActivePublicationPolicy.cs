namespace PartUploader.Emulator;

/// <summary>What an init does while another publication of the catalog is still <c>initialized</c> (spec publish-v2 P18).</summary>
public enum ActivePublicationPolicy
{
    /// <summary>The other publication is cancelled and the new one initialized.</summary>
    CancelInitialized = 0,

    /// <summary>The init answers 409 naming the other publication.</summary>
    Conflict,
}
