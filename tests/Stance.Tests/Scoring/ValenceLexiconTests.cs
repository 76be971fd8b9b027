using System.Security.Cryptography;
using Stance.Scoring.Lexicon;
using Stance.Tests.Support;

namespace Stance.Tests.Scoring;

public sealed class ValenceLexiconTests
{
    /// <summary>Lines of vader_lexicon.txt as published in the npm package vader-sentiment 1.1.3 (counted with
    /// <c>wc -l</c>); 14 tokens are listed twice ("lol", "ok", "sob", …), so 7,503 distinct tokens.</summary>
    private const int PublishedLines = 7517;

    private const int DistinctTokens = 7503;

    /// <summary>SHA-256 of vader_lexicon.txt as shipped in the npm package vader-sentiment 1.1.3 (checked against
    /// the registry's tarball, whose sha512 integrity npm verified); the embedded resource is that file, byte for
    /// byte.</summary>
    private const string PublishedSha256 = "ffb6117bfccf798a34e91d72f50604329946e6fd763668092618d5c5b340a298";

    private static string LicensePath =>
        Path.Combine(RepoPaths.Root, "src", "Stance", "Scoring", "Lexicon", "VADER-LICENSE.txt");

    [Fact]
    public void TheEmbeddedLexiconIsTheWholePublishedFile()
    {
        using var stream = typeof(ValenceLexicon).Assembly.GetManifestResourceStream(ValenceLexicon.ResourceName);
        Assert.NotNull(stream);
        using var reader = new StreamReader(stream);
        var lines = 0;
        while (reader.ReadLine() is not null)
        {
            lines++;
        }

        Assert.Equal(PublishedLines, lines);
        Assert.Equal(DistinctTokens, ValenceLexicon.Words.Count);
    }

    [Fact]
    public void TheEmbeddedLexiconIsUnchangedFromThePublishedFile()
    {
        using var stream = typeof(ValenceLexicon).Assembly.GetManifestResourceStream(ValenceLexicon.ResourceName);
        Assert.NotNull(stream);
        Assert.Equal("Stance.Scoring.Lexicon.vader_lexicon.txt", ValenceLexicon.ResourceName);

        Assert.Equal(PublishedSha256, Convert.ToHexStringLower(SHA256.HashData(stream)));
    }

    [Theory]
    [InlineData("good", 1.9)]
    [InlineData("great", 3.1)]
    [InlineData("war", -2.9)]
    [InlineData("terrorist", -3.7)]
    [InlineData("unacceptable", -2.0)]
    [InlineData("fed up", -1.8)]
    [InlineData("can't stand", -2.0)]
    [InlineData("lol", 1.8)] // listed twice (2.9, then 1.8): the last one counts, as in VADER's own reader
    public void AVaderValenceIsMappedLinearlyFromFourToThree(string token, double vader)
    {
        Assert.Equal(vader * 3 / 4, ValenceLexicon.Words[token], 10);
    }

    [Fact]
    public void TheMappingKeepsTheWholeLexiconWithinMinusThreeAndThree()
    {
        Assert.All(ValenceLexicon.Words.Values, v => Assert.InRange(v, -3, 3));
        Assert.Equal(3.4 * 0.75, ValenceLexicon.Words.Values.Max(), 10);
        Assert.Equal(-3.9 * 0.75, ValenceLexicon.Words.Values.Min(), 10);
    }

    [Theory]
    [InlineData("attained")]
    [InlineData("refrained")]
    [InlineData("pretenses")]
    [InlineData("pretences")]
    [InlineData("pretext")]
    [InlineData("final straw")]
    [InlineData("anti-azerbaijani")]
    [InlineData("anti-american")]
    [InlineData("anti-armenian")]
    [InlineData("double standards")]
    [InlineData("double-standards")]
    [InlineData("smear campaign")]
    [InlineData("smear campaigns")]
    [InlineData("pressure campaign")]
    [InlineData("pressure campaigns")]
    [InlineData("campaign against")]
    [InlineData("excuses")]
    [InlineData("reconsider")]
    [InlineData("erased")]
    [InlineData("blow")]
    [InlineData("occupying")]
    [InlineData("expulsion")]
    [InlineData("efforts")]
    [InlineData("developments")]
    [InlineData("reliable")]
    [InlineData("constructive")]
    [InlineData("partner")]
    [InlineData("harmful")]
    public void AWordOfTheOldHandMadeListThatVaderLacksHasNoValence(string word)
    {
        Assert.False(ValenceLexicon.Words.ContainsKey(word), $"'{word}' has a valence but VADER gives it none");
    }

    [Theory]
    [InlineData("courtesy", 1.5)] // the old list: +1
    [InlineData("exhausted", -1.5)] // the old list: -2
    [InlineData("indifferent", -0.8)] // the old list: -1
    public void AWordOfTheOldHandMadeListThatVaderRatesHasVadersValence(string word, double vader)
    {
        Assert.Equal(vader * 0.75, ValenceLexicon.Words[word], 10);
    }

    [Fact]
    public void NegatorsAndModifiersAreVadersPublishedLists()
    {
        Assert.Equal(59, ValenceLexicon.Negators.Count);
        Assert.True(ValenceLexicon.IsNegator("not"));
        Assert.True(ValenceLexicon.IsNegator("shouldn't"));
        Assert.True(ValenceLexicon.IsNegator("mayn't")); // not listed, but holds "n't"
        Assert.False(ValenceLexicon.IsNegator("no")); // VADER rates "no" as a word (-1.2) instead
        Assert.Equal(-1.2 * 0.75, ValenceLexicon.Words["no"], 10);

        Assert.Equal(0.293 * 0.75, ValenceLexicon.BoosterStep, 10);
        Assert.Equal(ValenceLexicon.BoosterStep, ValenceLexicon.Modifiers["very"]);
        Assert.Equal(-ValenceLexicon.BoosterStep, ValenceLexicon.Modifiers["slightly"]);
        Assert.Equal(-ValenceLexicon.BoosterStep, ValenceLexicon.Modifiers["kind of"]);
        Assert.False(ValenceLexicon.Modifiers.ContainsKey("widespread")); // the old list's, not VADER's
        Assert.False(ValenceLexicon.Modifiers.ContainsKey("consistently"));
        Assert.Equal(84, ValenceLexicon.Modifiers.Count);
    }

    [Fact]
    public void AMalformedLineIsRefusedWithItsNumber()
    {
        var error = Assert.Throws<InvalidDataException>(
            () => ValenceLexicon.Parse(new StringReader("good\t1.9\t0.9\t[2]\nbad line\n")));

        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheLicenceFileBesideTheLexiconNamesMitAndVaderAndTheCitation()
    {
        Assert.True(File.Exists(LicensePath), LicensePath);
        var text = File.ReadAllText(LicensePath);

        Assert.Contains("The MIT License (MIT)", text, StringComparison.Ordinal);
        Assert.Contains("Copyright (c) 2016 C.J. Hutto", text, StringComparison.Ordinal);
        Assert.Contains("VADER", text, StringComparison.Ordinal);
        Assert.Contains("Hutto, C.J. & Gilbert, E.E. (2014)", text, StringComparison.Ordinal);
        Assert.Contains("ICWSM", text, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(LicensePath)!, "vader_lexicon.txt")));
    }

    [Fact]
    public void TheLicenceTravelsInsideTheAssemblyWithTheLexicon()
    {
        using var stream =
            typeof(ValenceLexicon).Assembly.GetManifestResourceStream(ValenceLexicon.LicenseResourceName);
        Assert.NotNull(stream);
        using var reader = new StreamReader(stream);

        Assert.Equal(File.ReadAllText(LicensePath), reader.ReadToEnd());
    }
}
