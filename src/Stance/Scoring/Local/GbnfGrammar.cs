namespace Stance.Scoring.Local;

/// <summary>A GBNF grammar (start rule <c>root</c>) and the longest output it allows, in UTF-8 bytes. Every token a
/// model emits under the grammar adds at least one byte, so this also bounds the tokens of a complete answer.</summary>
internal sealed record GbnfGrammar(string Text, int MaxBytes);
