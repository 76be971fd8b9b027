using System.Text;
using LLama;
using Microsoft.Extensions.Logging;

namespace Stance.Scoring.Local;

/// <summary>Turns chat messages into the prompt text a model was trained on: the GGUF's own chat template, applied by
/// llama.cpp, or ChatML when the model has none (or one llama.cpp does not know).</summary>
internal sealed partial class LocalChatFormat
{
    /// <summary>The metadata key of a GGUF model's own chat template.</summary>
    public const string ChatTemplateKey = "tokenizer.chat_template";

    private readonly LLamaWeights? _weights;

    private LocalChatFormat(LLamaWeights? weights) => _weights = weights;

    /// <summary><c>model</c> (the GGUF's own template) or <c>chatml</c> (the fallback).</summary>
    public string Name => _weights is null ? "chatml" : "model";

    /// <summary>The format for <paramref name="weights"/>.</summary>
    public static LocalChatFormat For(LLamaWeights weights, ILogger logger)
    {
        if (!weights.Metadata.ContainsKey(ChatTemplateKey))
        {
            return new LocalChatFormat(null);
        }

        try
        {
            _ = new LLamaTemplate(weights, strict: true).Add("user", "test").Apply();
            return new LocalChatFormat(weights);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogTemplateUnknown(logger, ex.Message);
            return new LocalChatFormat(null);
        }
    }

    /// <summary>The prompt for <paramref name="messages"/>, ending where the assistant's answer begins.</summary>
    public string Apply(IReadOnlyList<(string Role, string Content)> messages)
    {
        if (_weights is null)
        {
            return ChatMl(messages);
        }

        var template = new LLamaTemplate(_weights, strict: true) { AddAssistant = true };
        foreach (var (role, content) in messages)
        {
            template.Add(role, content);
        }

        return Encoding.UTF8.GetString(template.Apply());
    }

    /// <summary>ChatML, the fallback format.</summary>
    internal static string ChatMl(IReadOnlyList<(string Role, string Content)> messages)
    {
        var text = new StringBuilder();
        foreach (var (role, content) in messages)
        {
            text.Append("<|im_start|>").Append(role).Append('\n').Append(content).Append("<|im_end|>\n");
        }

        return text.Append("<|im_start|>assistant\n").ToString();
    }

    [LoggerMessage(
        EventId = 66,
        Level = LogLevel.Warning,
        Message = "The model's chat template is not one llama.cpp knows ({Reason}); using ChatML")]
    private static partial void LogTemplateUnknown(ILogger logger, string reason);
}
