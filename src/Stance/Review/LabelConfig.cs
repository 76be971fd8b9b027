namespace Stance.Review;

/// <summary>The Label Studio labelling config of a review project: the document's title, the target as a header, the
/// paragraph, and one choice of favor / against / none. <c>--export-review</c> writes it beside the tasks; the repo
/// keeps the same text in <c>deploy/label-studio/stance-review.xml</c>.</summary>
internal static class LabelConfig
{
    /// <summary>The control the reviewer's label is read from (<c>from_name</c> in a result).</summary>
    public const string ControlName = "stance";

    /// <summary>The object the control labels (<c>to_name</c> in a result).</summary>
    public const string ObjectName = "text";

    /// <summary>The labels a reviewer picks from, as the gold file spells them.</summary>
    public static readonly IReadOnlyList<string> Labels = ["favor", "against", "none"];

    /// <summary>The config's file name beside the export: <c>&lt;export&gt;.label-config.xml</c>.</summary>
    public static string PathBeside(string exportPath) => exportPath + ".label-config.xml";

    /// <summary>The config's text (LF line ends, a final line end).</summary>
    public const string Xml = """
        <View>
          <Header value="$title"/>
          <Header value="$target" size="5"/>
          <Text name="text" value="$text"/>
          <Choices name="stance" toName="text" choice="single" showInline="true">
            <Choice value="favor"/>
            <Choice value="against"/>
            <Choice value="none"/>
          </Choices>
        </View>

        """;
}
