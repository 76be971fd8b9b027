using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Stance.Benchmarks;

/// <summary>The <c>read-memory</c> scenario's feed generator and child-process runner.</summary>
internal static class ReadMemory
{
    /// <summary>The kernel's peak resident set size of this process (VmHWM), in bytes; 0 when unknown.</summary>
    public static long PeakRssBytes()
    {
        const string Key = "VmHWM:";
        var line = File.Exists("/proc/self/status")
            ? File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(Key, StringComparison.Ordinal))
            : null;
        return line is null
            ? 0
            : long.Parse(line[Key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>A folder holding <c>feed.jsonl</c> of about <paramref name="bytes"/> bytes: ~3.7 KB lines (a
    /// commentary's size), six distinct paragraphs each, with <c>source</c> and <c>published_at</c>. Reused when it
    /// exists.</summary>
    public static string Feed(string folder, long bytes)
    {
        var path = Path.Combine(folder, "feed.jsonl");
        if (File.Exists(path) && new FileInfo(path).Length >= bytes)
        {
            return folder;
        }

        Directory.CreateDirectory(folder);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        long written = 0;
        for (var i = 0; written < bytes; i++)
        {
            var body = new StringBuilder();
            for (var p = 1; p <= 6; p++)
            {
                body.Append(CultureInfo.InvariantCulture, $"Point {p} of commentary {i}:");
                for (var k = 0; k < 10; k++)
                {
                    body.Append(' ').Append(BenchCorpus.Sentence);
                }

                body.Append(p < 6 ? "\\n\\n" : string.Empty);
            }

            var line = string.Create(CultureInfo.InvariantCulture,
                $"{{\"id\":\"doc-{i}\",\"source\":\"outlet-{i % 7}\"," +
                $"\"published_at\":\"2026-11-{1 + (i % 28):D2}T08:30:00+04:00\"," +
                $"\"url\":\"https://example.org/{i}\",\"text\":\"{body}\"}}");
            writer.Write(line);
            writer.Write('\n');
            written += Encoding.UTF8.GetByteCount(line) + 1;
        }

        return folder;
    }

    /// <summary>Runs <c>dotnet dll args</c>; returns its output, its peak working set polled every 20 ms and its
    /// wall time.</summary>
    public static async Task<(int Pid, string Stdout, long PolledPeak, double Wall, int Exit)> RunChild(
        string dll, string directory, string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var wall = Stopwatch.StartNew();
        using var child = Process.Start(start)!;
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        long peak = 0;
        while (!child.HasExited)
        {
            try
            {
                child.Refresh();
                peak = Math.Max(peak, child.WorkingSet64);
            }
            catch (InvalidOperationException)
            {
            }

            await Task.Delay(20);
        }

        await Task.WhenAll(stdout, stderr);
        if (child.ExitCode != 0)
        {
            Console.Error.WriteLine(await stderr);
        }

        return (child.Id, await stdout, peak, wall.Elapsed.TotalSeconds, child.ExitCode);
    }
}
