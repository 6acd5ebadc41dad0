namespace PartUploader.Emulator.Catalogs;

/// <summary>Checks <see cref="PublishEmulatorOptions"/> and the config-API fields of each <see cref="EmulatorLayer"/> before the emulator starts.</summary>
internal static class PublishingValidation
{
    private static readonly string[] s_digests = ["MD5", "SHA-1", "SHA-256"];
    private static readonly string[] s_indexTypes = ["bool", "int", "string", "heretile", "timewindow"];

    /// <exception cref="ArgumentException">A switch is out of range (the message names it).</exception>
    public static void Validate(PublishEmulatorOptions? publishing)
    {
        if (publishing is null)
        {
            throw new ArgumentException("BlobEmulatorOptions.Publishing must not be null.", nameof(publishing));
        }

        Require(publishing.ProcessingDelay >= TimeSpan.Zero, $"ProcessingDelay must be >= 0 (was {publishing.ProcessingDelay}).");
        Require(publishing.IdleExpiry > TimeSpan.Zero, $"IdleExpiry must be > 0 (was {publishing.IdleExpiry}).");
        Require(publishing.MaxPartitionsPerRequest is null or >= 1, $"MaxPartitionsPerRequest must be >= 1 or null (was {publishing.MaxPartitionsPerRequest}).");
        Require(publishing.IndexRecordLimit is null or >= 1, $"IndexRecordLimit must be >= 1 or null (was {publishing.IndexRecordLimit}).");
        Require(publishing.MetadataPageSize is null or >= 1, $"MetadataPageSize must be >= 1 or null (was {publishing.MetadataPageSize}).");
        Require(publishing.WrongStateStatus is >= 400 and <= 499, $"WrongStateStatus must be a 4xx status such as 409 or 400 (was {publishing.WrongStateStatus}).");
        Require(publishing.LayerMismatchStatus is >= 400 and <= 499, $"LayerMismatchStatus must be a 4xx status such as 400 or 404 (was {publishing.LayerMismatchStatus}).");
        Require(publishing.InitSuccessStatus is >= 200 and <= 299 and not 204, $"InitSuccessStatus must be a 2xx status with a body such as 200 or 201 (was {publishing.InitSuccessStatus}).");
        Require(publishing.FailureMessage is not null, "FailureMessage must not be null.");
    }

    /// <exception cref="ArgumentException">A layer's digest, crc, partitioning or index definitions are not config-API values.</exception>
    public static void ValidateLayer(string hrn, EmulatorLayer layer)
    {
        string at = $"layer '{layer.Id}' of '{hrn}'";
        RequireLayer(layer.Digest is null || s_digests.Contains(layer.Digest, StringComparer.Ordinal), $"{at}: Digest must be MD5, SHA-1, SHA-256 or null (was '{layer.Digest}').");
        RequireLayer(layer.Crc is null or "CRC-32C", $"{at}: Crc must be CRC-32C or null (was '{layer.Crc}').");
        RequireLayer(layer.PartitioningScheme is "generic" or "heretile", $"{at}: PartitioningScheme must be generic or heretile (was '{layer.PartitioningScheme}').");
        RequireLayer(layer.TileLevels is not null && layer.TileLevels.All(l => l is >= 0 and <= 30), $"{at}: TileLevels must be levels 0..30.");
        RequireLayer(!string.IsNullOrWhiteSpace(layer.IndexTtl), $"{at}: IndexTtl must not be empty.");
        RequireLayer(layer.IndexDefinitions is not null, $"{at}: IndexDefinitions must not be null.");
        HashSet<string> names = new(StringComparer.Ordinal);
        foreach (EmulatorIndexDefinition definition in layer.IndexDefinitions!)
        {
            RequireLayer(!string.IsNullOrWhiteSpace(definition.Name) && names.Add(definition.Name), $"{at}: every index definition needs a distinct Name.");
            RequireLayer(s_indexTypes.Contains(definition.Type, StringComparer.Ordinal), $"{at}: index definition '{definition.Name}' has Type '{definition.Type}'; use bool, int, string, heretile or timewindow.");
            RequireLayer(definition.Type != "timewindow" || definition.Duration is >= 600_000 and <= 86_400_000, $"{at}: timewindow '{definition.Name}' needs a Duration of 600000..86400000 ms.");
            RequireLayer(definition.Type != "heretile" || definition.ZoomLevel is >= 0 and <= 14, $"{at}: heretile '{definition.Name}' needs a ZoomLevel of 0..14.");
        }
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException("BlobEmulatorOptions.Publishing." + message);
        }
    }

    private static void RequireLayer(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException("BlobEmulatorOptions.Catalogs: " + message);
        }
    }
}
