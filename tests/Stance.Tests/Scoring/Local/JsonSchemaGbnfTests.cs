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
        Assert.Equal(["sentiment_label", "sentiment_score", "main_target", "stance_label", "stance_score", "confidence", "rationale", "targets"], order);
        Assert.Contains("root-stance-label ::= (\"\\\"favor\\\"\" | \"\\\"against\\\"\" | \"\\\"neutral\\\"\")", grammar);
        Assert.Contains("root-targets ::= \"[\" ws (root-targets-item (\",\" ws root-targets-item){0,11})? ws \"]\"", grammar);
        Assert.Contains("root-rationale ::= \"\\\"\" char{0,400} \"\\\"\"", grammar);
        Assert.Contains("root-main-target ::= (\"\\\"\" char{0,80} \"\\\"\" | \"null\")", grammar);
        Assert.StartsWith("root ::= \"{\" ws", grammar);
    }

    [Theory]
    [InlineData("""{"type":"number","minimum":-1,"maximum":1}""", "\"-\"? (\"0\" (\".\" [0-9]{1,3})? | \"1\" (\".\" \"0\"{1,3})?)")]
    [InlineData("""{"type":"number","minimum":0,"maximum":1}""", "(\"0\" (\".\" [0-9]{1,3})? | \"1\" (\".\" \"0\"{1,3})?)")]
    [InlineData("""{"type":"integer","minimum":0}""", "[0-9]{1,9}")]
    [InlineData("""{"type":"number"}""", "\"-\"? [0-9]{1,9} (\".\" [0-9]{1,6})?")]
    [InlineData("""{"type":"string"}""", "\"\\\"\" char{0,200} \"\\\"\"")]
    [InlineData("""{"type":"string","maxLength":5}""", "\"\\\"\" char{0,5} \"\\\"\"")]
    [InlineData("""{"type":"boolean"}""", "(\"true\" | \"false\")")]
    [InlineData("""{"enum":["a","b"]}""", "(\"\\\"a\\\"\" | \"\\\"b\\\"\")")]
    [InlineData("""{"type":"array","items":{"type":"boolean"},"maxItems":3}""", "\"[\" ws (root-item (\",\" ws root-item){0,2})? ws \"]\"")]
    [InlineData("""{"type":"array","items":{"type":"boolean"}}""", "{0,7}")]
    public void EachConstructIsBounded(string schema, string expected)
    {
        using var json = JsonDocument.Parse(schema);

        Assert.Contains(expected, JsonSchemaGbnf.Convert(json.RootElement));
    }

    [Fact]
    public void AnObjectListsEveryRequiredPropertyWithItsOwnRule()
    {
        using var json = JsonDocument.Parse("""{"type":"object","additionalProperties":false,"required":["a","b"],"properties":{"a":{"type":"boolean"},"b":{"type":"null"}}}""");

        var grammar = JsonSchemaGbnf.Convert(json.RootElement);

        Assert.Contains("root ::= \"{\" ws \"\\\"a\\\"\" ws \":\" ws root-a ws \",\" ws \"\\\"b\\\"\" ws \":\" ws root-b ws \"}\"", grammar);
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
