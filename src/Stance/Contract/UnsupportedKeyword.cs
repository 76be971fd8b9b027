namespace Stance.Contract;

/// <summary>A keyword of an answer schema that Stance would not enforce, at <see cref="Path"/> in the schema.</summary>
internal sealed record UnsupportedKeyword(string Path, string? Keyword, string Reason)
{
    /// <inheritdoc />
    public override string ToString() =>
        Keyword is null ? $"at {Path} {Reason}" : $"uses \"{Keyword}\" at {Path}, {Reason}";
}
