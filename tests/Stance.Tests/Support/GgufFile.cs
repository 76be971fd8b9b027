using System.Text;

namespace Stance.Tests.Support;

/// <summary>Copies a GGUF (v2/v3) file with one string entry added to its metadata, e.g. a chat template, leaving the
/// tensors as they are.</summary>
internal static class GgufFile
{
    public static void CopyWithMetadata(string source, string target, string key, string value)
    {
        var bytes = File.ReadAllBytes(source);
        using var reader = new BinaryReader(new MemoryStream(bytes));
        if (reader.ReadUInt32() != 0x46554747)
        {
            throw new InvalidDataException("not a GGUF file");
        }

        var version = reader.ReadUInt32();
        var tensors = reader.ReadUInt64();
        var entries = reader.ReadUInt64();
        var entriesStart = reader.BaseStream.Position;
        var alignment = 32L;
        for (ulong i = 0; i < entries; i++)
        {
            var name = ReadString(reader);
            var type = reader.ReadUInt32();
            if (name == "general.alignment")
            {
                alignment = reader.ReadUInt32();
                continue;
            }

            SkipValue(reader, type);
        }

        var entriesEnd = reader.BaseStream.Position;
        for (ulong i = 0; i < tensors; i++)
        {
            ReadString(reader);
            var dimensions = reader.ReadUInt32();
            reader.BaseStream.Position += (8 * dimensions) + 4 + 8;
        }

        var infosEnd = reader.BaseStream.Position;
        var dataStart = Align(infosEnd, alignment);

        using var output = new BinaryWriter(File.Create(target));
        output.Write(0x46554747u);
        output.Write(version);
        output.Write(tensors);
        output.Write(entries + 1);
        output.Write(bytes, (int)entriesStart, (int)(entriesEnd - entriesStart));
        WriteString(output, key);
        output.Write(8u);
        WriteString(output, value);
        output.Write(bytes, (int)entriesEnd, (int)(infosEnd - entriesEnd));
        output.Write(new byte[Align(output.BaseStream.Position, alignment) - output.BaseStream.Position]);
        output.Write(bytes, (int)dataStart, bytes.Length - (int)dataStart);
    }

    private static long Align(long position, long alignment) => (position + alignment - 1) / alignment * alignment;

    private static string ReadString(BinaryReader reader) =>
        Encoding.UTF8.GetString(reader.ReadBytes((int)reader.ReadUInt64()));

    private static void WriteString(BinaryWriter writer, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        writer.Write((ulong)bytes.Length);
        writer.Write(bytes);
    }

    private static void SkipValue(BinaryReader reader, uint type)
    {
        switch (type)
        {
            case 0 or 1 or 7: reader.BaseStream.Position += 1; break;
            case 2 or 3: reader.BaseStream.Position += 2; break;
            case 4 or 5 or 6: reader.BaseStream.Position += 4; break;
            case 10 or 11 or 12: reader.BaseStream.Position += 8; break;
            case 8: ReadString(reader); break;
            case 9:
                var itemType = reader.ReadUInt32();
                var count = reader.ReadUInt64();
                for (ulong i = 0; i < count; i++)
                {
                    SkipValue(reader, itemType);
                }

                break;
            default: throw new InvalidDataException($"unknown GGUF value type {type}");
        }
    }
}
