using System.Diagnostics.CodeAnalysis;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PartUploader;
using PartUploader.Internal.Resilience;
using PartUploader.Internal.Validation;
using Polly;
using Polly.Registry;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="PartUploadClient"/> with dependency injection, over a named <see cref="HttpClient"/> from IHttpClientFactory.</summary>
public static class PartUploaderServiceCollectionExtensions
{
    /// <summary>Registers the default <see cref="PartUploadClient"/>, configured by a delegate.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder of the named <see cref="HttpClient"/> (<see cref="PartUploaderDefaults.HttpClientName"/>), for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IHttpClientBuilder AddPartUploader(this IServiceCollection services, Action<PartUploadClientOptions> configure) =>
        AddPartUploader(services, PartUploaderDefaults.HttpClientName, configure);

    /// <summary>Registers the default <see cref="PartUploadClient"/>, bound to a configuration section.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding <see cref="PartUploadClientOptions"/> values (e.g. <c>BaseUrl</c>, <c>MaxConcurrency</c>, <c>Retry:MaxAttempts</c>).</param>
    /// <returns>The builder of the named <see cref="HttpClient"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <remarks>
    /// A <c>Credentials</c> subsection (keys <c>here.access.key.id</c>/<c>AccessKeyId</c>,
    /// <c>here.access.key.secret</c>/<c>AccessKeySecret</c>, optional <c>here.token.endpoint.url</c>), for
    /// example from environment variables or a secret store, supplies the HERE credentials; without
    /// it the <c>CredentialsFile</c> option (default <c>~/.here/credentials.properties</c>) is read.
    /// </remarks>
    public static IHttpClientBuilder AddPartUploader(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        IHttpClientBuilder builder = AddPartUploader(services, PartUploaderDefaults.HttpClientName, _ => { });
        services.Configure<PartUploadClientOptions>(PartUploaderDefaults.HttpClientName, configuration);
        IConfigurationSection credentials = configuration.GetSection("Credentials");
        if (credentials.Exists())
        {
            services.AddKeyedSingleton(PartUploaderDefaults.HttpClientName, new CredentialsFromConfiguration(credentials));
        }

        return builder;
    }

    /// <summary>Registers a named <see cref="PartUploadClient"/>, resolvable as a keyed service under <paramref name="name"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The client name: of its options, its <see cref="HttpClient"/>, its pipeline and its service key.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder of the named <see cref="HttpClient"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    /// <remarks>
    /// Options are validated on start. The client is transient over IHttpClientFactory: resolve it
    /// where needed, don't keep it in a singleton. Do not add a retrying handler to the returned
    /// builder: a handler-level retry would re-send a part under the same number, which the service
    /// forbids; the client retries with fresh numbers itself.
    /// </remarks>
    public static IHttpClientBuilder AddPartUploader(this IServiceCollection services, string name, Action<PartUploadClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddOptions<PartUploadClientOptions>(name).Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PartUploadClientOptions>, PartUploadClientOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddLogging();

        string pipelineKey = PipelineKey(name);
        services.AddResiliencePipeline(pipelineKey, (builder, context) =>
        {
            PartUploadClientOptions options = context.ServiceProvider.GetRequiredService<IOptionsMonitor<PartUploadClientOptions>>().Get(name);
            ILogger logger = context.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger<PartUploadClient>();
            UploadPipeline.Configure(builder, options.Retry, logger);
        });

        if (name == PartUploaderDefaults.HttpClientName)
        {
            services.TryAddTransient(sp => Create(sp, name));
        }

        services.TryAddKeyedTransient(name, (sp, _) => Create(sp, name));
        services.TryAddKeyedSingleton(name, (sp, _) => new SharedAuth(sp, name));

        return services
            .AddHttpClient(name, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                // Redirects are followed by the client itself, without the token to other hosts.
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                MaxConnectionsPerServer = Math.Max(16, sp.GetRequiredService<IOptionsMonitor<PartUploadClientOptions>>().Get(name).MaxConcurrency * 2),
            });
    }

    private static string PipelineKey(string name) => PartUploaderDefaults.ResiliencePipelineKey + ":" + name;

    [SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "IHttpClientFactory owns the handlers; HttpClient instances from it need no disposal.")]
    private static PartUploadClient Create(IServiceProvider services, string name)
    {
        PartUploadClientOptions options = services.GetRequiredService<IOptionsMonitor<PartUploadClientOptions>>().Get(name);
        HttpClient transport = services.GetRequiredService<IHttpClientFactory>().CreateClient(name);
        ResiliencePipeline pipeline = services.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline(PipelineKey(name));
        ILogger logger = services.GetRequiredService<ILoggerFactory>().CreateLogger<PartUploadClient>();
        SharedAuth auth = services.GetRequiredKeyedService<SharedAuth>(name);
        return new PartUploadClient(transport, options, auth.Tokens, logger, services.GetRequiredService<TimeProvider>(), pipeline, name, auth.Lookup);
    }

    /// <summary>Credentials bound from configuration for one client name.</summary>
    private sealed class CredentialsFromConfiguration(IConfiguration section)
    {
        public HereCredentials Load() => HereCredentials.FromConfiguration(section);
    }

    /// <summary>What every client of one name shares: the token source (its cache) and the lookup client (its cache).</summary>
    private sealed class SharedAuth
    {
        private readonly Lazy<AccessTokenSource> _tokens;
        private readonly Lazy<PartUploader.Internal.Auth.ApiLookupClient?> _lookup;

        [SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "HttpClient instances from IHttpClientFactory need no disposal.")]
        public SharedAuth(IServiceProvider services, string name)
        {
            _tokens = new Lazy<AccessTokenSource>(() =>
            {
                AccessTokenSource? registered = services.GetKeyedService<AccessTokenSource>(name) ?? services.GetService<AccessTokenSource>();
                PartUploadClientOptions options = services.GetRequiredService<IOptionsMonitor<PartUploadClientOptions>>().Get(name);
                if (registered is not null)
                {
                    TokenSourceOptionsCheck.ThrowIfSet(name, options, "a registered AccessTokenSource");
                    return registered;
                }

                if (services.GetKeyedService<CredentialsFromConfiguration>(name) is not null && options.CredentialsFile is not null)
                {
                    throw new OptionsValidationException(name, typeof(PartUploadClientOptions), [
                        "CredentialsFile and the Credentials configuration section are both set; the section would be used and CredentialsFile ignored. Set one of them."]);
                }

                return CreateHereTokenSource(services, name);
            });
            _lookup = new Lazy<PartUploader.Internal.Auth.ApiLookupClient?>(() =>
            {
                PartUploadClientOptions options = services.GetRequiredService<IOptionsMonitor<PartUploadClientOptions>>().Get(name);
                return options.BaseUrl is not null
                    ? null
                    : new PartUploader.Internal.Auth.ApiLookupClient(
                        services.GetRequiredService<IHttpClientFactory>().CreateClient(name),
                        Tokens,
                        options.LookupUrl,
                        services.GetRequiredService<TimeProvider>(),
                        services.GetRequiredService<ILoggerFactory>().CreateLogger<PartUploadClient>(),
                        options.Retry);
            });
        }

        public AccessTokenSource Tokens => _tokens.Value;

        public PartUploader.Internal.Auth.ApiLookupClient? Lookup => _lookup.Value;

        [SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "HttpClient instances from IHttpClientFactory need no disposal.")]
        private static HereTokenSource CreateHereTokenSource(IServiceProvider services, string name)
        {
            PartUploadClientOptions options = services.GetRequiredService<IOptionsMonitor<PartUploadClientOptions>>().Get(name);
            HereCredentials credentials = services.GetKeyedService<CredentialsFromConfiguration>(name)?.Load()
                ?? HereCredentials.FromFile(options.CredentialsFile);
            return new HereTokenSource(
                credentials,
                services.GetRequiredService<IHttpClientFactory>().CreateClient(name),
                new HereTokenSourceOptions { RequestFormat = options.TokenRequestFormat ?? HereTokenRequestFormat.Json },
                services.GetRequiredService<TimeProvider>(),
                services.GetRequiredService<ILoggerFactory>().CreateLogger<HereTokenSource>());
        }
    }
}
