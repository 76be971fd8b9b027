using System.Diagnostics;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Stance.Storage.Objects.Azure;

namespace Stance.Tests.Support;

/// <summary>Azurite's Blob service on a loopback port chosen by the OS, with one container, shared by the tests of a
/// class (<c>IClassFixture&lt;AzuriteEmulator&gt;</c>). The tests skip, saying why, when Node.js or the npm package is
/// absent; when they are there, a failure to start fails the tests.</summary>
public sealed partial class AzuriteEmulator : IAsyncLifetime
{
    /// <summary>The emulator's well-known account.</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>The emulator's well-known (public) account key.</summary>
    public const string AccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private const string Script = "node_modules/azurite/dist/src/blob/main.js";
    private static readonly TimeSpan s_startLimit = TimeSpan.FromSeconds(60);

    private readonly TempFolder _folder = new();
    private readonly List<string> _output = [];
    private Process? _process;
    private string? _startError;
    private BlobContainerClient? _container;

    /// <summary>Why the emulator cannot run here (Node.js or the npm package absent), or null.</summary>
    public string? SkipReason { get; } = Emulators.Missing("node_modules/azurite/package.json");

    /// <summary>The Blob endpoint, <c>http://127.0.0.1:PORT/devstoreaccount1</c>.</summary>
    public string Endpoint { get; private set; } = string.Empty;

    /// <summary>The connection string of the emulator's account.</summary>
    public string ConnectionString => Ready().ConnectionStringWith(AccountKey);

    /// <summary>The container created for the test class.</summary>
    public BlobContainerClient Container => Ready()._container!;

    /// <summary>The environment a child <c>Stance</c> process needs to reach the emulator.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        [AzureClients.ConnectionStringVariable] = Ready().ConnectionString,
    };

    /// <summary>The connection string of the emulator's account with another <paramref name="accountKey"/>.</summary>
    public string ConnectionStringWith(string accountKey) =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={accountKey};BlobEndpoint={Endpoint};";

    /// <summary>A store on the class's container at <paramref name="prefix"/> (null: a fresh one); skips the test
    /// when the emulator cannot run here.</summary>
    internal AzureBlobObjectStore CreateStore(string? prefix = null) =>
        new(Ready().Container, prefix ?? "t-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>The blob names under <paramref name="prefix"/> that have uncommitted blocks and no committed content
    /// (staged uploads never completed nor aborted), listed directly with the SDK.</summary>
    public async Task<IReadOnlyList<string>> UncommittedBlobsAsync(string prefix = "")
    {
        var committed = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var item in Container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }))
        {
            committed.Add(item.Name);
        }

        var staged = new List<string>();
        var all = new GetBlobsOptions { Prefix = prefix, States = BlobStates.Uncommitted };
        await foreach (var item in Container.GetBlobsAsync(all))
        {
            if (!committed.Contains(item.Name))
            {
                staged.Add(item.Name);
            }
        }

        return staged;
    }

    public async Task InitializeAsync()
    {
        if (SkipReason is not null)
        {
            return;
        }

        try
        {
            Endpoint = $"http://127.0.0.1:{await StartAsync()}/{AccountName}";
            _container = new BlobServiceClient(ConnectionString)
                .GetBlobContainerClient("stance-" + Guid.NewGuid().ToString("N")[..12]);
            await _container.CreateAsync();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _startError = $"Azurite did not start: {ex.Message}\n{string.Join('\n', Output())}";
        }
    }

    public async Task DisposeAsync()
    {
        if (_process is { } process)
        {
            try
            {
                process.Kill(entireProcessTree: true);
                using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await process.WaitForExitAsync(limit.Token);
            }
            catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
            {
            }

            process.Dispose();
        }

        _folder.Dispose();
    }

    /// <summary>Starts Azurite on port 0 and returns the port it reports listening on.</summary>
    private async Task<int> StartAsync()
    {
        var start = new ProcessStartInfo(Emulators.Node!)
        {
            WorkingDirectory = _folder.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            Path.Combine(Emulators.Folder, Script), "--blobHost", "127.0.0.1", "--blobPort", "0",
            "--inMemoryPersistence", "--silent", "--skipApiVersionCheck", "--loose",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var port = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, line) => Read(line.Data, port);
        _process.ErrorDataReceived += (_, line) => Read(line.Data, port);
        _process.Exited += (_, _) => port.TrySetException(
            new InvalidOperationException("the process exited before listening"));
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        return await port.Task.WaitAsync(s_startLimit);
    }

    private void Read(string? line, TaskCompletionSource<int> port)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }

        if (Listening().Match(line) is { Success: true } match)
        {
            port.TrySetResult(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private string[] Output()
    {
        lock (_output)
        {
            return [.. _output.TakeLast(20)];
        }
    }

    private AzuriteEmulator Ready()
    {
        Skip.If(SkipReason is not null, SkipReason);
        return _startError is null ? this : throw new InvalidOperationException(_startError);
    }

    [GeneratedRegex(@"successfully listens on https?://[^:/]+:(\d+)")]
    private static partial Regex Listening();
}
