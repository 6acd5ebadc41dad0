using PartUploader.Internal.Protocol;

namespace PartUploader.Tests.Protocol;

public class BearerHeaderTests
{
    [Fact]
    public void Set_ReplacesAnyAuthorization_WithOneBearerValueOfTheToken()
    {
        var bearer = new BearerHeader();
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1/x");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer stale");

        bearer.Set(request.Headers, "tok-1");

        request.Headers.GetValues("Authorization").ShouldBe(["Bearer tok-1"]);
        request.Headers.Authorization.ShouldNotBeNull().Scheme.ShouldBe("Bearer");
        request.Headers.Authorization.Parameter.ShouldBe("tok-1");
    }

    [Fact]
    public void Set_ANewToken_ReplacesTheKeptValue()
    {
        var bearer = new BearerHeader();
        using var first = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/x");
        using var second = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/x");
        using var third = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/x");

        bearer.Set(first.Headers, "tok-1");
        bearer.Set(second.Headers, "tok-2");
        bearer.Set(third.Headers, "tok-1");

        first.Headers.GetValues("Authorization").ShouldBe(["Bearer tok-1"]);
        second.Headers.GetValues("Authorization").ShouldBe(["Bearer tok-2"]);
        third.Headers.GetValues("Authorization").ShouldBe(["Bearer tok-1"]);
    }

    [Fact]
    public void Set_AfterATypedAuthorization_LeavesOneValue()
    {
        var bearer = new BearerHeader();
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/x");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "old");
        _ = request.Headers.Authorization.ToString();

        bearer.Set(request.Headers, "new");

        request.Headers.GetValues("Authorization").ShouldBe(["Bearer new"]);
    }
}
