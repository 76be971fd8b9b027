using System.Buffers;

namespace Stance.Scoring.Llm;

/// <summary>Takes the token log-probabilities out of a chat completion before the OpenAI SDK reads it (issue #19): the
/// SDK would build several objects per token (about 0.3 ms of CPU per answer over a loopback socket), where the label
/// probabilities need two numbers a token. For a call made under <see cref="Capture"/>, the first choice's
/// <c>logprobs</c> are read into <see cref="AnswerTokens"/> and replaced by null in the body the SDK gets; every
/// other response passes as it came.</summary>
internal sealed class AnswerTokensHandler : DelegatingHandler
{
    private static readonly AsyncLocal<Slot?> s_current = new();

    /// <summary>Captures the tokens of the answers to the calls made from here on in the current asynchronous flow
    /// (a scorer's attempt): the returned slot holds the last answer's.</summary>
    public static Slot Capture() => s_current.Value = new Slot();

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request,
        CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (s_current.Value is not { } slot || !response.IsSuccessStatusCode)
        {
            return response;
        }

        slot.Tokens = null;
        byte[] buffer;
        int length;
        try
        {
            (buffer, length) = await ReadAsync(response.Content, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // The SDK never sees this response: it is ours to release.
            response.Dispose();
            throw;
        }

        try
        {
            var split = AnswerTokens.Split(buffer.AsSpan(0, length));
            var body = split?.Body ?? buffer.AsSpan(0, length).ToArray();
            var content = new ByteArrayContent(body);
            foreach (var (name, values) in response.Content.Headers.NonValidated)
            {
                content.Headers.TryAddWithoutValidation(name, values);
            }

            content.Headers.ContentLength = body.Length;
            response.Content.Dispose();
            response.Content = content;
            slot.Tokens = split?.Tokens;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return response;
    }

    /// <summary>The whole body in a pooled buffer (returned by the caller), without the growing copies of
    /// <see cref="HttpContent.ReadAsByteArrayAsync()"/>.</summary>
    private static async Task<(byte[] Buffer, int Length)> ReadAsync(
        HttpContent content,
        CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(content.Headers.ContentLength ?? 0, 16_384, 1 << 24));
        var length = 0;
        try
        {
            var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                int read;
                while ((read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken)
                    .ConfigureAwait(false)) > 0)
                {
                    length += read;
                    if (length == buffer.Length)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                }
            }

            return (buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>Where the handler leaves an answer's tokens for the call that asked.</summary>
    public sealed class Slot
    {
        private AnswerTokens? _tokens;

        /// <summary>The last answer's tokens; null when it had none.</summary>
        public AnswerTokens? Tokens
        {
            get => Volatile.Read(ref _tokens);
            set => Volatile.Write(ref _tokens, value);
        }
    }
}
