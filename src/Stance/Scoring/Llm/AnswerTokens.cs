using System.Buffers;
using System.Text.Json;

namespace Stance.Scoring.Llm;

/// <summary>The log-probabilities of an answer's tokens, as the label probabilities need them: where each token ends
/// in the answer's UTF-8 bytes, and its log-probability.</summary>
internal sealed class AnswerTokens(int[] ends, double[] logprobs)
{
    /// <summary>The end of token i (exclusive), in UTF-8 bytes of the answer's content.</summary>
    public int[] Ends { get; } = ends;

    /// <summary>The log-probability of token i.</summary>
    public double[] Logprobs { get; } = logprobs;

    /// <summary>Reads the first choice's <c>logprobs.content</c> out of a chat completion's JSON
    /// <paramref name="body"/> and returns the body with that choice's <c>logprobs</c> set to null (so the SDK does
    /// not build an object per token); null when the first choice has no <c>logprobs</c> object or the body is not
    /// such JSON.</summary>
    public static (AnswerTokens? Tokens, byte[] Body)? Split(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        try
        {
            // The root object, then its "choices" array, then the first choice's "logprobs".
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject
                || !Find(ref reader, "choices"u8, 1)
                || !reader.Read() || reader.TokenType != JsonTokenType.StartArray
                || !reader.Read() || reader.TokenType != JsonTokenType.StartObject
                || !Find(ref reader, "logprobs"u8, 3)
                || !reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            var start = (int)reader.TokenStartIndex;
            var tokens = Content(ref reader);
            var end = (int)reader.BytesConsumed;
            var rest = new byte[start + 4 + (body.Length - end)];
            body[..start].CopyTo(rest);
            "null"u8.CopyTo(rest.AsSpan(start));
            body[end..].CopyTo(rest.AsSpan(start + 4));
            return (tokens, rest);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            // Not the JSON of a chat completion: the SDK reads the body as it came and reports it.
            return null;
        }
    }

    /// <summary>Moves to the value of the property <paramref name="name"/> among the properties at
    /// <paramref name="depth"/> of the object being read, skipping the others; false at the object's end.</summary>
    private static bool Find(ref Utf8JsonReader reader, ReadOnlySpan<byte> name, int depth)
    {
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth - 1)
            {
                return false;
            }

            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == depth)
            {
                if (reader.ValueTextEquals(name))
                {
                    return true;
                }

                reader.Skip();
            }
        }

        return false;
    }

    /// <summary>Reads a <c>logprobs</c> object to its end: the tokens of its <c>content</c>, or null when it has
    /// none.</summary>
    private static AnswerTokens? Content(ref Utf8JsonReader reader)
    {
        var depth = reader.CurrentDepth;
        AnswerTokens? tokens = null;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            if (!reader.ValueTextEquals("content"u8) || !reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                reader.Skip();
                continue;
            }

            tokens = Tokens(ref reader);
        }

        return tokens;
    }

    /// <summary>Reads a <c>content</c> array to its end: its tokens, or null when it has none.</summary>
    private static AnswerTokens? Tokens(ref Utf8JsonReader reader)
    {
        // Scratch space from the pool; the answer keeps arrays of its exact size.
        var ends = ArrayPool<int>.Shared.Rent(256);
        var logprobs = ArrayPool<double>.Shared.Rent(256);
        try
        {
            var (count, at) = (0, 0);
            while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                if (count == ends.Length || count == logprobs.Length)
                {
                    Grow(ref ends, count);
                    Grow(ref logprobs, count);
                }

                var (length, logprob) = Token(ref reader);
                at += length;
                (ends[count], logprobs[count]) = (at, logprob);
                count++;
            }

            return count == 0 ? null : new AnswerTokens(ends[..count], logprobs[..count]);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(ends);
            ArrayPool<double>.Shared.Return(logprobs);
        }
    }

    private static void Grow<T>(ref T[] array, int count)
    {
        var larger = ArrayPool<T>.Shared.Rent(array.Length * 2);
        array.AsSpan(0, count).CopyTo(larger);
        ArrayPool<T>.Shared.Return(array);
        array = larger;
    }

    /// <summary>Reads one token object to its end: its length in UTF-8 bytes (its <c>bytes</c> when given, else its
    /// text's) and its log-probability.</summary>
    private static (int Length, double Logprob) Token(ref Utf8JsonReader reader)
    {
        var depth = reader.CurrentDepth;
        var textLength = 0;
        var byteCount = 0;
        var logprob = 0.0;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            var property = reader.ValueTextEquals("token"u8) ? 1
                : reader.ValueTextEquals("logprob"u8) ? 2
                : reader.ValueTextEquals("bytes"u8) ? 3
                : 0;
            reader.Read();
            switch (property, reader.TokenType)
            {
                case (1, JsonTokenType.String):
                    textLength = reader.ValueIsEscaped ? UnescapedLength(ref reader) : reader.ValueSpan.Length;
                    break;
                case (2, JsonTokenType.Number):
                    logprob = reader.GetDouble();
                    break;
                case (3, JsonTokenType.StartArray):
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        byteCount++;
                    }

                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return byteCount > 0 ? (byteCount, logprob)
            : textLength >= 0 ? (textLength, logprob)
            : throw new JsonException("a token's text is not valid UTF-16 and it has no bytes");
    }

    /// <summary>The UTF-8 length of the escaped string value being read (never longer than its escaped
    /// form).</summary>
    private static int UnescapedLength(ref Utf8JsonReader reader)
    {
        var length = reader.ValueSpan.Length;
        var rented = length > 256 ? ArrayPool<byte>.Shared.Rent(length) : null;
        try
        {
            return reader.CopyString(rented is null ? stackalloc byte[length] : rented);
        }
        catch (InvalidOperationException)
        {
            // A lone surrogate (a token cut inside a character): only its bytes, if given, say its length.
            return -1;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
