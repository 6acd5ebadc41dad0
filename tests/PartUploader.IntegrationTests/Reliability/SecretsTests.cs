using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using PartUploader.Emulator;
using PartUploader.IntegrationTests.EndToEnd;

namespace PartUploader.IntegrationTests.Reliability;

/// <summary>
/// With logging at Trace, the HERE production path (credentials file, OAuth token, lookup by catalog HRN) never writes
/// the access key secret, a bearer token or an OAuth signature into a log line, an exception's text, or a ToString().
/// The secrets are taken from the wire (every Authorization header the client sent), so nothing is assumed about them.
/// </summary>
public sealed partial class SecretsTests(EmulatorFixture fixture) : EmulatorTestBase(fixture), IClassFixture<EmulatorFixture>
{
    private readonly CapturingLoggerProvider _logs = new();
    private readonly WireRecorder _wire = new(new SocketsHttpHandler { AllowAutoRedirect = false });

    [Fact]
    public async Task ProductionPath_SuccessAndFailures_LeakNoSecret()
    {
        using ILoggerFactory factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(_logs));
        using var http = new HttpClient(_wire) { Timeout = Timeout.InfiniteTimeSpan };
        string credentialsPath = Emulator.WriteCredentialsFile(Path.Combine(Path.GetDirectoryName(WriteFile([]))!, "credentials.properties"));
        HereCredentials credentials = HereCredentials.FromFile(credentialsPath);
        var tokens = new HereTokenSource(credentials, http, new HereTokenSourceOptions { RetryDelay = TimeSpan.Zero }, logger: factory.CreateLogger<HereTokenSource>());
        var options = new PartUploadClientOptions
        {
            CatalogHrn = Emulator.DefaultCatalogHrn,
            LookupUrl = Emulator.LookupUrl,
            PartSize = 5 * MiB,
            MaxConcurrency = 2,
            MaxBufferedBytes = 32 * MiB,
            SingleShotThreshold = MiB,
        };
        options.Retry.MaxAttempts = 3;
        options.Retry.BaseDelay = TimeSpan.Zero;
        options.Retry.MaxDelay = TimeSpan.Zero;
        var client = new PartUploadClient(http, options, tokens, factory.CreateLogger<PartUploadClient>());
        var texts = new List<string> { options.ToString(), credentials.ToString(), tokens.ToString(), client.ToString()! };

        // One upload that succeeds, with a token refresh in the middle.
        byte[] data = Data((2 * 5 * MiB) + 123, seed: 61);
        string ok = NewHandle("secrets-ok");
        Emulator.Faults.Add(FaultRule.ExpireToken() with { Operation = EmulatorOperation.UploadPart, PartNumber = 2, DataHandle = ok });
        await client.UploadAsync(WriteFile(data), Options(ok));
        ShouldHaveStored(ok, data);

        // Uploads that fail: 403, 409, 404 and a persistent 503.
        (int Status, EmulatorOperation Operation)[] failures =
        [
            (403, EmulatorOperation.StartMultipart),
            (409, EmulatorOperation.CompleteMultipart),
            (404, EmulatorOperation.UploadPart),
            (503, EmulatorOperation.UploadPart),
        ];
        foreach ((int status, EmulatorOperation operation) in failures)
        {
            string handle = NewHandle("secrets-" + status.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Emulator.Faults.Add(FaultRule.Status(status) with { Operation = operation, DataHandle = handle, Times = FaultRule.Unlimited });
            PartUploadException ex = await Should.ThrowAsync<PartUploadException>(() => client.UploadAsync(WriteFile(Data((5 * MiB) + 9, seed: status)), Options(handle)));
            ex.Status.ShouldBe(status);
            texts.Add(ex.ToString());
            texts.Add(ex.Message);
        }

        // A wrong secret: the token service's refusal must not echo the secret or the signature either.
        var wrong = new HereTokenSource(new HereCredentials(credentials.AccessKeyId, "wrong-secret-" + credentials.AccessKeyId) { TokenEndpointUrl = credentials.TokenEndpointUrl }, http,
            new HereTokenSourceOptions { RetryDelay = TimeSpan.Zero, MaxRetries = 0 }, logger: factory.CreateLogger<HereTokenSource>());
        PartUploadAuthenticationException authError = await Should.ThrowAsync<PartUploadAuthenticationException>(() => wrong.GetTokenAsync(forceRefresh: true));
        texts.Add(authError.ToString());

        string[] secrets = [.. _wire.Secrets().Append(credentials.AccessKeySecret).Append(Emulator.Credentials.AccessKeySecret).Distinct()];
        _wire.Bearers.Count.ShouldBeGreaterThanOrEqualTo(2, "the refresh should have brought a second bearer token");
        _wire.Signatures.Count.ShouldBeGreaterThanOrEqualTo(2, "the token requests should have been OAuth-signed");
        _logs.Lines.Count.ShouldBeGreaterThan(20, "Trace logging should have produced lines to check");
        texts.AddRange(_logs.Lines);

        foreach (string secret in secrets)
        {
            secret.Length.ShouldBeGreaterThanOrEqualTo(8);
            foreach (string text in texts)
            {
                text.ShouldNotContain(secret, Shouldly.Case.Sensitive, "a secret leaked into: " + text);
            }
        }
    }

    public sealed partial class WireRecorder(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        public ConcurrentBag<string> Bearers { get; } = [];

        public ConcurrentBag<string> Signatures { get; } = [];

        public IEnumerable<string> Secrets() => Bearers.Concat(Signatures).Concat(Signatures.Select(WebUtility.UrlDecode)!).Where(s => !string.IsNullOrEmpty(s))!;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Headers.Authorization is { } auth && auth.Parameter is { } value)
            {
                if (auth.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
                {
                    Bearers.Add(value);
                }
                else if (SignaturePattern().Match(value) is { Success: true } m)
                {
                    Signatures.Add(m.Groups[1].Value);
                }
            }

            return base.SendAsync(request, cancellationToken);
        }

        [GeneratedRegex("oauth_signature=\"([^\"]+)\"")]
        private static partial Regex SignaturePattern();
    }

    /// <summary>Keeps every formatted message, every exception's text, every structured value and every scope.</summary>
    public sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Capturing(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Capturing(CapturingLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull
            {
                owner.Lines.Enqueue(category + " scope: " + Describe(state));
                return null;
            }

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                owner.Lines.Enqueue($"{category} {logLevel}: {formatter(state, exception)} | {Describe(state)} | {exception}");
            }

            private static string Describe(object? state) => state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join("; ", pairs.Select(p => p.Key + "=" + p.Value))
                : state?.ToString() ?? string.Empty;
        }
    }
}
