using System.CommandLine;
using System.Net;

namespace PartUploader.Cli.Commands;

/// <summary>The options every service command shares: where (catalog, layer) and how to authenticate.</summary>
internal sealed class CommonOptions
{
    public Option<string> Catalog { get; } = new("--catalog")
    {
        Description = "The catalog HRN, for example hrn:here:data::myorg:my-catalog.",
        Required = true,
        HelpName = "hrn",
    };

    public Option<string> Layer { get; } = new("--layer")
    {
        Description = "The layer ID.",
        Required = true,
        HelpName = "id",
    };

    public Option<string?> Credentials { get; } = new("--credentials")
    {
        Description = "A HERE credentials.properties file (default: ~/.here/credentials.properties). Its token endpoint is used.",
        HelpName = "file",
    };

    public Option<string?> LookupUrl { get; } = new("--lookup-url")
    {
        Description = "The API lookup service base URL (default: the HERE platform's). 'partupload emulator' prints the emulator's.",
        HelpName = "url",
    };

    public Option<string?> TrustCertificate { get; } = new("--trust-certificate")
    {
        Description = "A PEM file of server certificates to trust in addition to the system's, such as the one 'partupload emulator --https' writes. " +
            "A certificate the system refuses is accepted only when it is exactly one of these (same SHA-256), names the host and is within its dates.",
        HelpName = "file",
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Write one JSON document per event (JSON Lines) to standard output instead of text.",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Catalog);
        command.Options.Add(Layer);
        command.Options.Add(Credentials);
        command.Options.Add(LookupUrl);
        command.Options.Add(TrustCertificate);
        command.Options.Add(Json);
    }

    /// <summary>Gets the certificates of --trust-certificate, read by <see cref="Validate"/>; null without the option.</summary>
    public TrustedCertificates? Trusted { get; private set; }

    /// <summary>Checks what can be checked without a request, and reads --trust-certificate; returns a message for exit code 2, or null.</summary>
    public string? Validate(ParseResult parse, out Uri? lookupUrl)
    {
        lookupUrl = null;
        string catalog = parse.GetValue(Catalog)!;
        if (!CatalogHrn.TryParse(catalog, out _))
        {
            return $"--catalog '{catalog}' is not a catalog HRN (hrn:partition:data:region:account:catalog).";
        }

        string? lookup = parse.GetValue(LookupUrl);
        if (lookup is not null)
        {
            if (!Uri.TryCreate(lookup, UriKind.Absolute, out lookupUrl) || (lookupUrl.Scheme != Uri.UriSchemeHttps && lookupUrl.Scheme != Uri.UriSchemeHttp))
            {
                return $"--lookup-url '{lookup}' is not an absolute http(s) URL.";
            }
        }

        string? credentials = parse.GetValue(Credentials);
        if (credentials is not null && string.IsNullOrWhiteSpace(credentials))
        {
            return "--credentials needs a file path.";
        }

        string? trust = parse.GetValue(TrustCertificate);
        Trusted = null;
        if (trust is not null)
        {
            string? problem = TrustedCertificates.TryLoad(trust, out TrustedCertificates? trusted);
            Trusted = trusted;
            return problem;
        }

        return null;
    }

    /// <summary>Creates the HTTP transport: no HttpClient timeout (the SDK's own timeouts govern), pooled connections recycled,
    /// and the certificates of --trust-certificate (read by <see cref="Validate"/>) trusted besides the system's.</summary>
    public HttpClient CreateHttpClient()
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
        };
        Trusted?.ApplyTo(handler);
        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Reads the credentials (exit code 3 when missing or incomplete) and makes the client.</summary>
    public PartUploadClient CreateClient(ParseResult parse, HttpClient http, Uri? lookupUrl, Action<PartUploadClientOptions>? configure = null)
    {
        HereCredentials credentials = HereCredentials.FromFile(parse.GetValue(Credentials));
        var options = new PartUploadClientOptions
        {
            CatalogHrn = parse.GetValue(Catalog),
            LookupUrl = lookupUrl,
        };
        configure?.Invoke(options);
        return new PartUploadClient(http, options, new HereTokenSource(credentials, http));
    }
}
