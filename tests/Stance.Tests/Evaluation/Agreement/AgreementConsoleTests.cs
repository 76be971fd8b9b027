using System.Globalization;
using System.Text.RegularExpressions;
using Stance.Evaluation.Agreement;
using static Stance.Tests.Evaluation.Agreement.CohenTests;
using static Stance.Tests.Evaluation.Agreement.KrippendorffTests;

namespace Stance.Tests.Evaluation.Agreement;

/// <summary>The printed agreement lines name every figure, so a checker can read them back.</summary>
public sealed class AgreementConsoleTests
{
    [Fact]
    public void EachCoefficientIsPrintedOnOneLineWithItsIntervalAndItemCount()
    {
        // 20 yes-yes, 15 yes-no, 15 no-no (N = 50): p_o = 0.7; A yes 35/50, B yes 20/50: p_e = 0.7·0.4 + 0.3·0.6
        // = 0.46, κ = (0.7 − 0.46)/(1 − 0.46) = 0.4444. As α: n = 100, n_yes = 55, n_no = 45, Σ_{c≠k} o_ck = 30:
        // α = 1 − 99·30/(10000 − 3025 − 2025) = 0.4. The two differ, so a figure on the wrong line fails.
        List<(string A, string B)> pairs =
            [.. Repeat("yes", "yes", 20), .. Repeat("yes", "no", 15), .. Repeat("no", "no", 15)];
        var alpha = AgreementBootstrap.Alpha("model vs gold", AsUnits(pairs));
        var kappa = AgreementBootstrap.Kappa("model vs gold", pairs);
        using var console = new StringWriter();

        AgreementConsole.Print(console, [alpha, kappa]);
        var text = console.ToString();

        foreach (var (name, value, estimate) in new[]
        {
            ("Krippendorff's alpha", "0.4000", alpha),
            ("Cohen's kappa", "0.4444", kappa),
        })
        {
            var line = Regex.Match(
                text,
                $@"(?m)^{Regex.Escape(name)} \(model vs gold\): (-?\d\.\d{{4}}) " +
                @"\[95 % CI (-?\d\.\d{4}), (-?\d\.\d{4})\], 50 items$");
            Assert.True(line.Success, name + " line missing:\n" + text);
            Assert.Equal(value, line.Groups[1].Value);
            Assert.Equal(estimate.Low, double.Parse(line.Groups[2].Value, CultureInfo.InvariantCulture), 4);
            Assert.Equal(estimate.High, double.Parse(line.Groups[3].Value, CultureInfo.InvariantCulture), 4);
        }

        Assert.Contains("agreement bootstrap: 2000 resamples of the items, seed 20161", text);
        Assert.Single(Regex.Matches(text, "agreement bootstrap:"));
        Assert.DoesNotContain("note:", text);
    }

    [Fact]
    public void TheLineReadsAsTheIssueShowsIt()
    {
        var estimate = new AgreementEstimate("Krippendorff's alpha", "model vs gold", 0.61234, 0.40117, 0.79206, 20);

        Assert.Equal(
            "Krippendorff's alpha (model vs gold): 0.6123 [95 % CI 0.4012, 0.7921], 20 items",
            AgreementConsole.Line(estimate));
    }

    [Fact]
    public void AnUndefinedCoefficientIsPrintedUndefined()
    {
        var estimate = AgreementBootstrap.Alpha("3 repeats", Units("aaa", "aaa"));
        using var console = new StringWriter();

        AgreementConsole.Print(console, [estimate]);

        Assert.StartsWith(
            "Krippendorff's alpha (3 repeats): undefined [95 % CI undefined], 2 items" + Environment.NewLine,
            console.ToString());
        Assert.DoesNotContain("NaN", console.ToString());
    }

    [Fact]
    public void UndefinedResamplesAreNoted()
    {
        var estimate = AgreementBootstrap.Alpha("3 repeats", Units("aaa", "aaa", "aaa", "bbb", "bbb", "bbb"));
        using var console = new StringWriter();

        AgreementConsole.Print(console, [estimate]);

        Assert.Contains(
            $"note: {estimate.UndefinedResamples} of 2000 resamples of Krippendorff's alpha (3 repeats) were " +
            "undefined and left out of its interval",
            console.ToString());
    }
}
