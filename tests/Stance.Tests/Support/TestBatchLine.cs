using System.Text.Json.Nodes;

namespace Stance.Tests.Support;

/// <summary>One request line of a batch's input file.</summary>
/// <param name="Line">Its 1-based line number in the file.</param>
/// <param name="CustomId">Its <c>custom_id</c>.</param>
/// <param name="Method">Its <c>method</c>.</param>
/// <param name="Url">Its <c>url</c>.</param>
/// <param name="Body">Its <c>body</c>, exactly as written in the file.</param>
internal sealed record TestBatchLine(int Line, string CustomId, string Method, string Url, string Body)
{
    /// <summary>The parsed body.</summary>
    public JsonNode Json => JsonNode.Parse(Body)!;
}
