using System.Text.Json;
using Stance.Contract;

namespace Stance.Tests.Contract;

/// <summary>Each keyword the answer schema may hold is enforced: an answer that breaks it is rejected, one that keeps
/// it passes; a keyword outside <see cref="SchemaKeywords"/> is refused when the schema is compiled.</summary>
public sealed class JsonSchemaCheckerTests
{
    public static TheoryData<string, string, string, string> Keywords => new()
    {
        {
            """{"type":"string","pattern":"^[A-Z][a-z]+$"}""",
            "\"Armenia\"", "\"armenia!\"", "does not match the pattern"
        },
        { """{"type":"string","minLength":3}""", "\"abc\"", "\"ab\"", "shorter than 3 characters" },
        { """{"type":"string","maxLength":3}""", "\"abc\"", "\"abcd\"", "longer than 3 characters" },
        {
            """{"type":"array","items":{"type":"string"},"minItems":2}""",
            "[\"a\",\"b\"]", "[\"a\"]", "fewer than 2 items"
        },
        {
            """{"type":"array","items":{"type":"string"},"maxItems":1}""",
            "[\"a\"]", "[\"a\",\"b\"]", "more than 1 items"
        },
        {
            """{"type":"array","prefixItems":[{"type":"integer"}],"items":false}""",
            "[1]", "[1,2]", "items of its prefixItems"
        },
        {
            """{"type":"array","prefixItems":[{"type":"integer"}],"items":false}""",
            "[1]", "[\"x\"]", "$[0] must be integer"
        },
        { """{"type":"string","const":"favor"}""", "\"favor\"", "\"against\"", "must be \"favor\"" },
        {
            """{"anyOf":[{"type":"integer"},{"type":"null"}]}""",
            "null", "\"x\"", "matches none of the 2 anyOf variants"
        },
        { """{"type":"number","exclusiveMinimum":0}""", "0.5", "0", "is not above 0" },
        { """{"type":"number","exclusiveMaximum":1}""", "0.5", "1", "is not below 1" },
        { """{"type":"number","minimum":-1,"maximum":1}""", "-1", "1.5", "is above 1" },
        { """{"type":"string","enum":["a","b"]}""", "\"b\"", "\"c\"", "must be one of" },
    };

    [Theory]
    [MemberData(nameof(Keywords))]
    public void EachEnforcedKeywordAcceptsAConformingValueAndRejectsABreakingOne(
        string schema, string conforming, string breaking, string problem)
    {
        var checker = JsonSchemaChecker.Compile(Json(schema));

        Assert.Empty(checker.Check(Json(conforming)));
        Assert.Contains(checker.Check(Json(breaking)), e => e.Contains(problem, StringComparison.Ordinal));
    }

    [Fact]
    public void APatternIsSearchedUnanchoredAsJsonSchemaSpecifies()
    {
        var checker = JsonSchemaChecker.Compile(Json("""{"type":"string","pattern":"[0-9]"}"""));

        Assert.Empty(checker.Check(Json("\"COP29 in Baku\"")));
        Assert.Single(checker.Check(Json("\"COP in Baku\"")));
    }

    [Theory]
    [InlineData("""{"type":"string","format":"date"}""", "\"format\" at $,")]
    [InlineData(
        """{"type":"object","properties":{"n":{"type":"number","multipleOf":0.5}}}""",
        "\"multipleOf\" at $.properties.n,")]
    [InlineData("""{"type":"array","items":{"$ref":"#/$defs/x"},"$defs":{"x":{}}}""", "\"$ref\" at $.items,")]
    [InlineData("""{"anyOf":[{"type":"string","minProperties":1}]}""", "\"minProperties\" at $.anyOf[0],")]
    public void ASchemaWithAKeywordThatIsNotEnforcedIsRefusedWithTheKeywordAndItsPath(string schema, string named)
    {
        var error = Assert.Throws<NotSupportedException>(() => JsonSchemaChecker.Compile(Json(schema)));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.Contains("which Stance does not enforce", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheGrammarRefusesAPatternThatTheValidatorEnforces()
    {
        var schema = Json("""{"type":"object","properties":{"r":{"type":"string","pattern":"^a"}}}""");

        var unsupported = Assert.Single(SchemaKeywords.FindUnsupported(schema, grammar: true));
        Assert.Equal(("pattern", "$.properties.r"), (unsupported.Keyword, unsupported.Path));
        Assert.Empty(SchemaKeywords.FindUnsupported(schema, grammar: false));
        Assert.Contains("\"pattern\" at $.properties.r",
            Assert.Throws<NotSupportedException>(() => Stance.Scoring.Local.JsonSchemaGbnf.Build(schema)).Message,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"object","properties":{},"additionalProperties":true}""", "\"additionalProperties\" at $,")]
    [InlineData("""{"type":"date"}""", "\"type\" at $, \"date\"")]
    public void AKeywordWithAValueThatIsNotEnforcedIsRefused(string schema, string named)
    {
        var error = Assert.Throws<NotSupportedException>(() => JsonSchemaChecker.Compile(Json(schema)));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
