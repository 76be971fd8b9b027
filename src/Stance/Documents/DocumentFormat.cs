namespace Stance.Documents;

/// <summary>The layout rules that apply when a body is split into paragraphs.</summary>
internal enum DocumentFormat
{
    /// <summary>Plain text: the first block is the title when it is one line.</summary>
    PlainText,

    /// <summary>Markdown: a leading <c># </c> heading is the title, other headings are dropped.</summary>
    Markdown,

    /// <summary>A JSONL record: the title comes from its own field, every block is a paragraph.</summary>
    JsonRecord,
}
