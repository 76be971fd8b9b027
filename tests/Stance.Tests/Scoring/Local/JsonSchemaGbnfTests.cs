using System.Text.Json;
using System.Text.RegularExpressions;
using Stance.Scoring.Local;
using Stance.Tests.Support;

namespace Stance.Tests.Scoring.Local;

/// <summary>Schema → GBNF: the bundled answer schema and small schemas for each construct.</summary>
public sealed class JsonSchemaGbnfTests
{
    [Fact]
    public void TheAnswerSchemaBecomesAGrammarWithEveryFieldInSchemaOrder()
    {
        var grammar = JsonSchemaGbnf.Convert(TestAnswers.Prompt.AnswerSchema);

        var root = grammar.Split('\n')[0];
        var order = Regex.Matches(root, "\\\\\"([a-z_]+)\\\\\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(
            [
                "sentiment_label", "sentiment_score", "main_target", "stance_label", "stance_score", "confidence",
                "rationale", "targets",
            ],
            order);
        Assert.Contains(
            "root-stance-label ::= (\"\\\"favor\\\"\" | \"\\\"against\\\"\" | \"\\\"neutral\\\"\")", grammar);
        Assert.Contains(
            "root-targets ::= \"[\" ws (root-targets-item (\",\" ws root-targets-item){0,11})? ws \"]\"", grammar);
        Assert.Contains("root-rationale ::= \"\\\"\" char{0,400} \"\\\"\"", grammar);
        Assert.Contains("root-main-target ::= (\"\\\"\" char{0,80} \"\\\"\" | \"null\")", grammar);
        Assert.StartsWith("root ::= \"{\" ws", grammar);
    }

    [Theory]
    [InlineData("""{"type":"integer","minimum":0}""", "[0-9]{1,9}")]
    [InlineData("""{"type":"number"}""", "\"-\"? [0-9]{1,9} (\".\" [0-9]{1,6})?")]
    [InlineData("""{"type":"string"}""", "\"\\\"\" char{0,200} \"\\\"\"")]
    [InlineData("""{"type":"string","maxLength":5}""", "\"\\\"\" char{0,5} \"\\\"\"")]
    [InlineData("""{"type":"boolean"}""", "(\"true\" | \"false\")")]
    [InlineData("""{"enum":["a","b"]}""", "(\"\\\"a\\\"\" | \"\\\"b\\\"\")")]
    [InlineData(
        """{"type":"array","items":{"type":"boolean"},"maxItems":3}""",
        "\"[\" ws (root-item (\",\" ws root-item){0,2})? ws \"]\"")]
    [InlineData("""{"type":"array","items":{"type":"boolean"}}""", "{0,7}")]
    public void EachConstructIsBounded(string schema, string expected)
    {
        using var json = JsonDocument.Parse(schema);

        Assert.Contains(expected, JsonSchemaGbnf.Convert(json.RootElement));
    }

    [Theory]
    [InlineData("""{"type":"number","minimum":-1,"maximum":1}""", -100, 100)]
    [InlineData("""{"type":"number","minimum":0,"maximum":1}""", 0, 100)]
    [InlineData("""{"type":"number","exclusiveMinimum":0,"maximum":1}""", 1, 100)]
    [InlineData("""{"type":"number","minimum":-1,"exclusiveMaximum":0}""", -100, -1)]
    [InlineData("""{"type":"number","minimum":-0.25,"maximum":0.25}""", -25, 25)]
    [InlineData("""{"type":"number","minimum":-1.37,"maximum":0.5}""", -137, 50)]
    [InlineData("""{"type":"number","minimum":0.07,"maximum":12.3}""", 7, 1230)]
    public void ABoundedNumberAcceptsExactlyTheTwoDecimalValuesInItsRange(string schema, int lowest, int highest)
    {
        using var json = JsonDocument.Parse(schema);
        var grammar = GbnfRegex.Compile(JsonSchemaGbnf.Convert(json.RootElement));

        for (var hundredths = -1500; hundredths <= 1500; hundredths++)
        {
            var written = (hundredths / 100.0).ToString("F2", System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(
                grammar.IsMatch(written) == (hundredths >= lowest && hundredths <= highest),
                $"{written} in [{lowest}, {highest}] hundredths");
        }

        Assert.DoesNotMatch(grammar, "-0.00");
        Assert.DoesNotMatch(grammar, "0.5");
    }

    [Fact]
    public void ABoundedIntegerAcceptsExactlyItsRange()
    {
        using var json = JsonDocument.Parse("""{"type":"integer","minimum":-7,"maximum":120}""");
        var grammar = GbnfRegex.Compile(JsonSchemaGbnf.Convert(json.RootElement));

        Assert.All(
            Enumerable.Range(-300, 600),
            i => Assert.Equal(
                i is >= -7 and <= 120,
                grammar.IsMatch(i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }

    [Fact]
    public void AnyOfConstPrefixItemsAndMinItemsAreHonoured()
    {
        using var json = JsonDocument.Parse("""
            {"anyOf":[
              {"type":"object","properties":{"k":{"const":"a"},
                "v":{"type":"array","prefixItems":[{"enum":["x","y"]},{"type":"boolean"}],"items":false}}},
              {"type":"object","properties":{"k":{"const":"b"},
                "v":{"type":"array","items":{"type":"null"},"minItems":2,"maxItems":3}}}]}
            """);
        var grammar = GbnfRegex.Compile(JsonSchemaGbnf.Convert(json.RootElement));

        Assert.Matches(grammar, """{"k":"a","v":["y",true]}""");
        Assert.Matches(grammar, """{ "k": "b", "v": [null, null, null] }""");
        Assert.DoesNotMatch(grammar, """{"k":"a","v":["y"]}""");
        Assert.DoesNotMatch(grammar, """{"k":"a","v":["z",true]}""");
        Assert.DoesNotMatch(grammar, """{"k":"b","v":[null]}""");
        Assert.DoesNotMatch(grammar, """{"k":"b","v":[null,null,null,null]}""");
        Assert.DoesNotMatch(grammar, """{"k":"b","v":["y",true]}""");
    }

    [Fact]
    public void StringsAreBoundedInCharactersAndTheBoundInBytesCoversTheLongest()
    {
        using var json = JsonDocument.Parse(
            """{"type":"object","properties":{"s":{"type":"string","minLength":1,"maxLength":3}}}""");
        var built = JsonSchemaGbnf.Build(json.RootElement);
        var grammar = GbnfRegex.Compile(built.Text);

        Assert.Matches(grammar, """{"s":"€\"é"}""");
        Assert.DoesNotMatch(grammar, """{"s":""}""");
        Assert.DoesNotMatch(grammar, """{"s":"abcd"}""");
        Assert.DoesNotMatch(grammar, """{"s":"\u00e9"}""");
        Assert.True(System.Text.Encoding.UTF8.GetByteCount("""{ "s" : "€€€" }""") <= built.MaxBytes);
    }

    [Fact]
    public void AnObjectListsEveryRequiredPropertyWithItsOwnRule()
    {
        using var json = JsonDocument.Parse("""
            {"type":"object","additionalProperties":false,"required":["a","b"],
             "properties":{"a":{"type":"boolean"},"b":{"type":"null"}}}
            """);

        var grammar = JsonSchemaGbnf.Convert(json.RootElement);

        Assert.Contains(
            "root ::= \"{\" ws \"\\\"a\\\"\" ws \":\" ws root-a ws \",\" ws \"\\\"b\\\"\" ws \":\" ws root-b ws \"}\"",
            grammar);
        Assert.Contains("root-a ::= (\"true\" | \"false\")", grammar);
        Assert.Contains("root-b ::= \"null\"", grammar);
    }

    [Fact]
    public void AnUnknownTypeIsRefusedNotGuessed()
    {
        using var json = JsonDocument.Parse("""{"type":"date"}""");

        Assert.Throws<NotSupportedException>(() => JsonSchemaGbnf.Convert(json.RootElement));
    }
}
