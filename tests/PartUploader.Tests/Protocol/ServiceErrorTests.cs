using System.Net.Http.Headers;
using System.Net;
using Microsoft.Extensions.Time.Testing;
using PartUploader.Internal.Protocol;

namespace PartUploader.Tests.Protocol;

public class ServiceErrorTests
{
    private static readonly FakeTimeProvider s_time = new(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));

    private static HttpResponseHeaders Headers(Action<HttpResponseHeaders> configure)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.BadRequest);
        configure(response.Headers);
        return response.Headers;
    }

    [Fact]
    public void From_ProblemBodyWithStringCode_ReadsCodeTitleAndCorrelationId()
    {
        ServiceError error = ServiceError.From(403, null, """{"title":"Forbidden","status":403,"code":"E403","correlationId":"c-1"}""", s_time);

        error.Status.ShouldBe(403);
        error.Code.ShouldBe("E403");
        error.Title.ShouldBe("Forbidden");
        error.CorrelationId.ShouldBe("c-1");
    }

    [Fact]
    public void From_ProblemBodyWithNumericCode_ReadsCodeAsText()
    {
        ServiceError error = ServiceError.From(401, null, """{"title":"Unauthorized","code":401300}""", s_time);

        error.Code.ShouldBe("401300");
    }

    [Fact]
    public void From_NonJsonBody_IgnoresBody()
    {
        ServiceError error = ServiceError.From(500, null, "<html>oops</html>", s_time);

        error.Code.ShouldBeNull();
        error.Title.ShouldBeNull();
    }

    [Fact]
    public void From_CorrelationHeader_PreferredOverBody()
    {
        ServiceError error = ServiceError.From(500, Headers(h => h.Add("X-Correlation-ID", "from-header")), """{"correlationId":"from-body"}""", s_time);

        error.CorrelationId.ShouldBe("from-header");
    }

    [Fact]
    public void From_RetryAfterSeconds_ReadsDelta()
    {
        ServiceError error = ServiceError.From(429, Headers(h => h.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(7))), null, s_time);

        error.RetryAfter.ShouldBe(TimeSpan.FromSeconds(7));
        error.IsTransient.ShouldBeTrue();
    }

    [Fact]
    public void From_RetryAfterDate_MeasuredAgainstTimeProvider()
    {
        DateTimeOffset at = s_time.GetUtcNow().AddSeconds(30);

        ServiceError error = ServiceError.From(503, Headers(h => h.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(at)), null, s_time);

        error.RetryAfter.ShouldBe(TimeSpan.FromSeconds(30));
    }

    [Theory]
    [InlineData(408, true)]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(503, true)]
    [InlineData(400, false)]
    [InlineData(404, false)]
    [InlineData(409, false)]
    public void IsTransientStatus_OnlyTimeoutsThrottlingAndServerErrors(int status, bool expected)
    {
        ServiceError.IsTransientStatus(status).ShouldBe(expected);
    }
}
