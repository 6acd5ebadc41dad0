using System.Diagnostics;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace PartUploader.Tests.Auth;

public sealed class HereCredentialsTests : IDisposable
{
    private const string Secret = "s3cr3t-Value_9";
    private readonly string _directory = Directory.CreateTempSubdirectory("partuploader-auth-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string WriteFile(string text)
    {
        string path = Path.Combine(_directory, "credentials.properties");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void FromFile_CrlfWhitespaceCommentsAndUnknownKeys_ReadsValues()
    {
        string path = WriteFile(
            "# HERE credentials\r\n" +
            "here.user.id = HERE-user-1\r\n" +
            "  here.client.id=client-7  \r\n" +
            "\r\n" +
            "here.access.key.id   =   key-id-1\r\n" +
            "\there.access.key.secret = " + Secret + "\t\r\n" +
            "here.token.endpoint.url = https://account.example.test/oauth2/token\r\n" +
            "some.unknown.key = whatever\r\n" +
            "! another comment\r\n");

        HereCredentials credentials = HereCredentials.FromFile(path);

        credentials.AccessKeyId.ShouldBe("key-id-1");
        credentials.AccessKeySecret.ShouldBe(Secret);
        credentials.UserId.ShouldBe("HERE-user-1");
        credentials.ClientId.ShouldBe("client-7");
        credentials.TokenEndpointUrl.ShouldBe(new Uri("https://account.example.test/oauth2/token"));
    }

    [Fact]
    public void FromFile_NoEndpoint_UsesDefaultTokenEndpoint()
    {
        string path = WriteFile("here.access.key.id=id\nhere.access.key.secret=" + Secret + "\n");

        HereCredentials credentials = HereCredentials.FromFile(path);

        credentials.TokenEndpointUrl.AbsoluteUri.ShouldBe("https://account.api.here.com/oauth2/token");
        credentials.UserId.ShouldBeNull();
    }

    [Fact]
    public void FromFile_SecretWithEqualsSign_KeepsEverythingAfterFirstSeparator()
    {
        string path = WriteFile("here.access.key.id=id\nhere.access.key.secret=abc==\n");

        HereCredentials.FromFile(path).AccessKeySecret.ShouldBe("abc==");
    }

    [Fact]
    public void FromFile_EmptySecret_ThrowsNamingTheKey()
    {
        string path = WriteFile("here.access.key.id = key-id-1\nhere.access.key.secret =   \n");

        var ex = Should.Throw<PartUploadAuthenticationException>(() => HereCredentials.FromFile(path));

        ex.ErrorCode.ShouldBe("MissingCredential");
        ex.Message.ShouldContain("here.access.key.secret");
    }

    [Fact]
    public void FromFile_MissingKeyId_ThrowsNamingTheKeyButNoValue()
    {
        string path = WriteFile("here.access.key.secret = " + Secret + "\n");

        var ex = Should.Throw<PartUploadAuthenticationException>(() => HereCredentials.FromFile(path));

        ex.Message.ShouldContain("here.access.key.id");
        ex.ToString().ShouldNotContain(Secret);
    }

    [Fact]
    public void FromFile_FileDoesNotExist_ThrowsFileNotFoundCode()
    {
        var ex = Should.Throw<PartUploadAuthenticationException>(() => HereCredentials.FromFile(Path.Combine(_directory, "absent.properties")));

        ex.ErrorCode.ShouldBe("CredentialsFileNotFound");
        ex.Message.ShouldContain("absent.properties");
    }

    [Fact]
    public void FromFile_FileDoesNotExist_MessageNamesFullPathWithIoErrorInside()
    {
        string path = Path.Combine(_directory, "absent.properties");

        var ex = Should.Throw<PartUploadAuthenticationException>(() => HereCredentials.FromFile(path));

        ex.Message.ShouldBe($"The credentials file '{Path.GetFullPath(path)}' was not found.");
        ex.InnerException.ShouldBeOfType<FileNotFoundException>();
        ex.Operation.ShouldNotBeNull();
    }

    [Fact]
    public void FromFile_DirectoryOfFileDoesNotExist_ThrowsFileNotFoundCodeNamingFullPath()
    {
        string path = Path.Combine(_directory, "no-such-dir", "credentials.properties");

        var ex = Should.Throw<PartUploadAuthenticationException>(() => HereCredentials.FromFile(path));

        ex.ErrorCode.ShouldBe("CredentialsFileNotFound");
        ex.Message.ShouldContain(Path.GetFullPath(path));
        ex.InnerException.ShouldBeOfType<DirectoryNotFoundException>();
    }

    [Fact]
    public void FromFile_RelativePath_MessageNamesTheFullPathLookedAt()
    {
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, Path.Combine(_directory, "rel.properties"));

        var ex = Should.Throw<PartUploadAuthenticationException>(() => HereCredentials.FromFile(relative));

        ex.Message.ShouldContain($"'{Path.Combine(_directory, "rel.properties")}'");
    }

    [Fact]
    public void FromFile_PathIsADirectory_ThrowsAuthenticationErrorNamingFullPath()
    {
        string directory = Path.Combine(_directory, "creds-dir");
        Directory.CreateDirectory(directory);

        var ex = Should.Throw<PartUploadAuthenticationException>(() => HereCredentials.FromFile(directory));

        ex.ErrorCode.ShouldBe("CredentialsFileUnreadable");
        ex.Message.ShouldBe($"The credentials file '{directory}' is a directory, not a file.");
        ex.InnerException.ShouldNotBeNull();
        (ex.InnerException is UnauthorizedAccessException or IOException).ShouldBeTrue(ex.InnerException.GetType().Name);
    }

    [Fact]
    public void FromFile_UnreadableFile_ThrowsAuthenticationErrorWithoutTheSecret()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // The mode bits below are Unix only.
        }

        string path = WriteFile($"here.access.key.id = id\nhere.access.key.secret = {Secret}\n");
        File.SetUnixFileMode(path, UnixFileMode.None);
        try
        {
            if (CanOpen(path))
            {
                return; // A privileged user (root) reads any file: there is nothing to refuse.
            }

            var ex = Should.Throw<PartUploadAuthenticationException>(() => HereCredentials.FromFile(path));

            ex.ErrorCode.ShouldBe("CredentialsFileUnreadable");
            ex.Message.ShouldStartWith($"The credentials file '{path}' could not be read: ");
            ex.InnerException.ShouldBeOfType<UnauthorizedAccessException>();
            ex.ToString().ShouldNotContain(Secret);
        }
        finally
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    [Fact]
    public void FromFile_FileLockedByAnotherHandle_ThrowsAuthenticationErrorWithIoErrorInside()
    {
        string path = WriteFile($"here.access.key.id = id\nhere.access.key.secret = {Secret}\n");
        using var holder = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);

        var ex = Should.Throw<PartUploadAuthenticationException>(() => HereCredentials.FromFile(path));

        ex.ErrorCode.ShouldBe("CredentialsFileUnreadable");
        ex.Message.ShouldStartWith($"The credentials file '{path}' could not be read: ");
        ex.InnerException.ShouldBeAssignableTo<IOException>();
        ex.ToString().ShouldNotContain(Secret);
    }

    private static bool CanOpen(string path)
    {
        try
        {
            using FileStream stream = File.OpenRead(path);
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://account.example.test/oauth2/token")]
    public void FromFile_BadTokenEndpoint_ThrowsNamingTheKey(string endpoint)
    {
        string path = WriteFile($"here.access.key.id=id\nhere.access.key.secret={Secret}\nhere.token.endpoint.url={endpoint}\n");

        var ex = Should.Throw<PartUploadAuthenticationException>(() => HereCredentials.FromFile(path));

        ex.ErrorCode.ShouldBe("InvalidCredential");
        ex.Message.ShouldContain("here.token.endpoint.url");
        ex.ToString().ShouldNotContain(Secret);
    }

    [Fact]
    public void FromConfiguration_DottedKeys_ReadsValues()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["here.access.key.id"] = "id-dotted",
            ["here.access.key.secret"] = Secret,
            ["here.user.id"] = "user",
        }).Build();

        HereCredentials credentials = HereCredentials.FromConfiguration(configuration);

        credentials.AccessKeyId.ShouldBe("id-dotted");
        credentials.AccessKeySecret.ShouldBe(Secret);
        credentials.UserId.ShouldBe("user");
    }

    [Fact]
    public void FromConfiguration_PascalCaseKeysInSection_ReadsValues()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Here:AccessKeyId"] = "id-pascal",
            ["Here:AccessKeySecret"] = Secret,
            ["Here:TokenEndpointUrl"] = "http://127.0.0.1:1/oauth2/token",
            ["Here:ClientId"] = "client",
        }).Build();

        HereCredentials credentials = HereCredentials.FromConfiguration(configuration.GetSection("Here"));

        credentials.AccessKeyId.ShouldBe("id-pascal");
        credentials.AccessKeySecret.ShouldBe(Secret);
        credentials.TokenEndpointUrl.ShouldBe(new Uri("http://127.0.0.1:1/oauth2/token"));
        credentials.ClientId.ShouldBe("client");
    }

    [Fact]
    public void FromConfiguration_MissingSecret_ThrowsNamingKeyAndSection()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Here:AccessKeyId"] = "id",
        }).Build();

        var ex = Should.Throw<PartUploadAuthenticationException>(() => HereCredentials.FromConfiguration(configuration.GetSection("Here")));

        ex.Message.ShouldContain("here.access.key.secret");
        ex.Message.ShouldContain("AccessKeySecret");
        ex.Message.ShouldContain("'Here'");
    }

    [Fact]
    public void ToString_Always_HidesSecret()
    {
        var credentials = new HereCredentials("key-id", Secret);

        string text = credentials.ToString();

        text.ShouldContain("key-id");
        text.ShouldNotContain(Secret);
    }

    [Fact]
    public void DebuggerDisplay_Always_UsesRedactedToString()
    {
        DebuggerDisplayAttribute? display = typeof(HereCredentials).GetCustomAttribute<DebuggerDisplayAttribute>();
        PropertyInfo secret = typeof(HereCredentials).GetProperty("AccessKeySecret", BindingFlags.NonPublic | BindingFlags.Instance)!;

        display!.Value.ShouldBe("{ToString(),nq}");
        secret.GetCustomAttribute<DebuggerBrowsableAttribute>()!.State.ShouldBe(DebuggerBrowsableState.Never);
        secret.GetMethod!.IsPublic.ShouldBeFalse();
    }

    [Fact]
    public void Constructor_EmptySecret_ThrowsNamingTheParameter()
    {
        var ex = Should.Throw<ArgumentException>(() => new HereCredentials("key-id", " "));

        ex.ParamName.ShouldBe("accessKeySecret");
    }

    [Fact]
    public void TokenEndpointUrl_NotHttp_Throws()
        => Should.Throw<ArgumentException>(() => new HereCredentials("id", Secret) { TokenEndpointUrl = new Uri("ftp://example.test/token") });
}
