namespace Stance.Contract;

/// <summary>How Stance enforces a JSON Schema keyword of the answer schema.</summary>
internal enum KeywordSupport
{
    /// <summary>A note for people and models (<c>description</c>, <c>title</c>); nothing to enforce.</summary>
    Annotation,

    /// <summary>The answer validator (<see cref="JsonSchemaChecker"/>) rejects an answer that breaks it, and the local
    /// provider's grammar (<see cref="Local.JsonSchemaGbnf"/>) never lets the model write one.</summary>
    Everywhere,

    /// <summary>The answer validator rejects an answer that breaks it, but a GBNF grammar cannot express it, so the
    /// local provider refuses a schema that uses it.</summary>
    ValidatorOnly,
}
