using PartUploader.Internal.Transfer;

namespace PartUploader.Tests.Transfer;

public class PartPlanTests
{
    private const long MiB = 1024 * 1024;
    private const long MinPart = 5 * MiB;
    private const long DefaultBudget = 256 * MiB;
    private const long FiftyGb = 50_000_000_000L;

    private static PartPlan CreateSut(
        long? length,
        long? partSize = null,
        long budget = DefaultBudget,
        PartNumbering numbering = PartNumbering.FreshOnRetry,
        int reserved = 4) =>
        PartPlan.Create(length, partSize, budget, numbering, reserved);

    [Fact]
    public void Create_ZeroBytes_PlansOneEmptyPart()
    {
        PartPlan sut = CreateSut(0);

        sut.PartCount.ShouldBe(1);
        sut.TotalLength.ShouldBe(0);
    }

    [Fact]
    public void Create_OneByte_PlansOnePart()
    {
        PartPlan sut = CreateSut(1, MinPart);

        sut.PartCount.ShouldBe(1);
        sut.SizeOf(0).ShouldBe(MinPart);
    }

    [Fact]
    public void Create_ExactlyThreeParts_PlansThreePartsWithoutEmptyTail()
    {
        PartPlan sut = CreateSut(3 * MinPart, MinPart);

        sut.PartCount.ShouldBe(3);
        sut.OffsetOf(2).ShouldBe(2 * MinPart);
    }

    [Fact]
    public void Create_ThreePartsPlusOneByte_PlansFourthPartForLastByte()
    {
        PartPlan sut = CreateSut((3 * MinPart) + 1, MinPart);

        sut.PartCount.ShouldBe(4);
        sut.OffsetOf(3).ShouldBe(3 * MinPart);
    }

    [Fact]
    public void Create_FiftyGbAutomatic_FitsUnderNineThousandParts()
    {
        PartPlan sut = CreateSut(FiftyGb);

        sut.PartCount!.Value.ShouldBeLessThanOrEqualTo(9_000);
        (sut.BaseSize * sut.PartCount.Value).ShouldBeGreaterThanOrEqualTo(FiftyGb);
        sut.BaseSize.ShouldBeGreaterThanOrEqualTo(MinPart);
    }

    [Fact]
    public void Create_FiftyGbAutomaticReserved_GrowsPartSizeToFitReservedCap()
    {
        PartPlan sut = CreateSut(FiftyGb, numbering: PartNumbering.Reserved, reserved: 10);

        sut.BaseSize.ShouldBeGreaterThan(PartPlan.DefaultPartSize);
        sut.PartCount!.Value.ShouldBeLessThanOrEqualTo(1_000);
        (sut.BaseSize * sut.PartCount.Value).ShouldBeGreaterThanOrEqualTo(FiftyGb);
    }

    [Fact]
    public void Create_FiftyGbPlusOneByte_ThrowsNamingTheLimit()
    {
        var ex = Should.Throw<ArgumentOutOfRangeException>(() => CreateSut(FiftyGb + 1));

        ex.Message.ShouldContain("50 GB");
    }

    [Fact]
    public void Create_UserPartSizeBelowFiveMiB_ThrowsNamingPartSize()
    {
        var ex = Should.Throw<ArgumentOutOfRangeException>(() => CreateSut(100 * MiB, MinPart - 1));

        ex.Message.ShouldContain("PartSize");
        ex.Message.ShouldContain("5 MiB");
    }

    [Fact]
    public void Create_UserPartSizeAboveFiveGiB_ThrowsNamingPartSize()
    {
        long tooBig = (5L * 1024 * MiB) + 1;

        var ex = Should.Throw<ArgumentOutOfRangeException>(() => CreateSut(100 * MiB, tooBig, budget: 8L * 1024 * MiB));

        ex.Message.ShouldContain("PartSize");
        ex.Message.ShouldContain("5 GiB");
    }

    [Fact]
    public void Create_UserPartSizeThatCannotFitPartCap_ThrowsNamingPartSize()
    {
        // Reserved(4): at most 2,500 parts; 20 GB in 5 MiB parts needs 3,815.
        var ex = Should.Throw<ArgumentOutOfRangeException>(() => CreateSut(20_000_000_000L, MinPart, numbering: PartNumbering.Reserved, reserved: 4));

        ex.Message.ShouldContain("PartSize");
        ex.Message.ShouldContain("2500");
    }

    [Fact]
    public void Create_UserPartSizeAboveBudget_ThrowsNamingMaxBufferedBytes()
    {
        var ex = Should.Throw<ArgumentOutOfRangeException>(() => CreateSut(100 * MiB, 64 * MiB, budget: 32 * MiB));

        ex.Message.ShouldContain("MaxBufferedBytes");
    }

    [Theory]
    [InlineData(2, 5_000)]
    [InlineData(4, 2_500)]
    [InlineData(3, 3_333)]
    public void Create_Reserved_CapsPartsAtTenThousandOverK(int k, int expectedCap)
    {
        PartPlan sut = CreateSut(null, numbering: PartNumbering.Reserved, reserved: k);

        sut.MaxParts.ShouldBe(expectedCap);
    }

    [Fact]
    public void Create_ReservedKnownLengthAutomatic_StaysWithinReservedCap()
    {
        PartPlan sut = CreateSut(FiftyGb, numbering: PartNumbering.Reserved, reserved: 4);

        sut.PartCount!.Value.ShouldBeLessThanOrEqualTo(2_500);
    }

    [Fact]
    public void Create_UnknownLength_StartsSmall()
    {
        PartPlan sut = CreateSut(null);

        sut.SizeOf(0).ShouldBeLessThanOrEqualTo(PartPlan.DefaultPartSize);
        sut.SizeOf(0).ShouldBeGreaterThanOrEqualTo(MinPart);
    }

    [Fact]
    public void Create_UnknownLength_ScheduleReachesFiftyGbWithinNineThousandParts()
    {
        PartPlan sut = CreateSut(null);

        sut.Capacity(9_000).ShouldBeGreaterThan(FiftyGb);
    }

    [Fact]
    public void Create_UnknownLength_NeverExceedsMemoryBudget()
    {
        PartPlan sut = CreateSut(null, budget: 32 * MiB);

        Enumerable.Range(0, 9_000).Max(sut.SizeOf).ShouldBeLessThanOrEqualTo(32 * MiB);
    }

    [Fact]
    public void Create_UnknownLength_OffsetsAreSumsOfSizes()
    {
        PartPlan sut = CreateSut(null);

        sut.OffsetOf(1_001).ShouldBe((1_000 * sut.SizeOf(0)) + sut.SizeOf(1_000));
    }

    [Fact]
    public void Create_AutomaticWithBudgetBelowDefaultPartSize_UsesPartsThatFitTheBudget()
    {
        // MaxBufferedBytes of 8 MiB is valid (at least 5 MiB); a 100 MB blob fits in 8 MiB parts.
        PartPlan sut = CreateSut(100_000_000, budget: 8 * MiB);

        sut.BaseSize.ShouldBeLessThanOrEqualTo(8 * MiB);
        sut.BaseSize.ShouldBeGreaterThanOrEqualTo(MinPart);
    }
}
