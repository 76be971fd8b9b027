using System.Diagnostics;
using System.Globalization;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Stance.Storage.Objects;
using Stance.Storage.Objects.S3;

namespace Stance.Tests.Support;

/// <summary>s3rver (<c>tools/emulators/s3rver.mjs</c>, which adds the S3 features s3rver lacks) on a free loopback
/// port with a bucket, in a temporary folder; shared by a test class as an <see cref="IClassFixture{TFixture}"/>.
/// When Node.js or the npm package is missing, <see cref="SkipIfUnavailable"/> skips the test with the reason; when
/// they are there but the emulator does not start, it fails the test with the emulator's error output.</summary>
public sealed class S3Emulator : IAsyncLifetime
{
    /// <summary>s3rver's built-in access key id.</summary>
    public const string AccessKey = "S3RVER";

    /// <summary>s3rver's built-in secret (s3rver parses V4 signatures without checking them).</summary>
    public const string SecretKey = "S3RVER";

    /// <summary>The region the clients sign for.</summary>
    public const string Region = "us-east-1";

    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);
    private readonly StringBuilder _errors = new();
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"stance-s3rver-{Guid.NewGuid():N}");
    private Process? _process;
    private AmazonS3Client? _client;
    private string? _startError;

    /// <summary>The bucket the emulator creates at start.</summary>
    public string Bucket { get; } = "stance-test";

    /// <summary>Why the emulator cannot run here (Node.js or the npm package missing), or null.</summary>
    public string? SkipReason { get; private set; }

    /// <summary>The emulator's service URL (<c>http://127.0.0.1:PORT</c>); empty until it started.</summary>
    public string ServiceUrl { get; private set; } = string.Empty;

    /// <summary>The environment a child <c>Stance</c> process needs to reach the emulator with the AWS SDK's default
    /// chains.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["AWS_ENDPOINT_URL"] = ServiceUrl,
        ["AWS_ACCESS_KEY_ID"] = AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
        ["AWS_REGION"] = Region,
        ["Stance__Storage__S3__ForcePathStyle"] = "true",
    };

    /// <summary>A client of the emulator, owned by the fixture.</summary>
    internal IAmazonS3 Client => _client ?? throw new InvalidOperationException("the S3 emulator is not running");

    /// <summary>Starts the emulator and waits for its ready line.</summary>
    public async Task InitializeAsync()
    {
        SkipReason = Emulators.Missing(Path.Combine("node_modules", "s3rver", "package.json"));
        if (SkipReason is not null)
        {
            return;
        }

        try
        {
            var port = await StartAsync();
            ServiceUrl = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
            _client = CreateClient(new S3StorageOptions { ServiceUrl = ServiceUrl, ForcePathStyle = true });
        }
        catch (Exception error) when (error is InvalidOperationException or OperationCanceledException
            or System.ComponentModel.Win32Exception)
        {
            _startError = $"s3rver did not start: {error.Message}\n{Errors()}";
        }
    }

    /// <summary>Skips the calling <see cref="SkippableFactAttribute"/> test when the emulator cannot run here; fails
    /// it when the emulator should have started and did not.</summary>
    public void SkipIfUnavailable()
    {
        Skip.If(SkipReason is not null, SkipReason);
        if (_startError is not null)
        {
            throw new InvalidOperationException(_startError);
        }
    }

    /// <summary>A client of the emulator built like the job's (<see cref="S3Clients"/>) from
    /// <paramref name="options"/>, with the emulator's keys (or <paramref name="secretKey"/>) and
    /// <paramref name="environment"/> (default: none) in place of the process's environment.</summary>
    internal static AmazonS3Client CreateClient(
        S3StorageOptions options,
        IReadOnlyDictionary<string, string>? environment = null,
        string secretKey = SecretKey)
    {
        options.Region ??= Region;
        return S3Clients.Create(
            options,
            new BasicAWSCredentials(AccessKey, secretKey),
            name => environment is not null && environment.TryGetValue(name, out var value) ? value : null);
    }

    /// <summary>A store on the emulator's bucket under a fresh prefix (or <paramref name="prefix"/>).</summary>
    internal S3ObjectStore CreateStore(string? prefix = null) =>
        new(Client, new ObjectLocation(ObjectStoreKind.S3, Bucket, prefix ?? $"t-{Guid.NewGuid():N}", null));

    /// <summary>The multipart uploads neither completed nor aborted whose bucket key starts with
    /// <paramref name="bucketPrefix"/>, asked of the emulator directly (for "no pending uploads left").</summary>
    internal async Task<IReadOnlyList<(string Key, string UploadId)>> ListPendingUploadsAsync(string bucketPrefix)
    {
        var response = await Client.ListMultipartUploadsAsync(
            new ListMultipartUploadsRequest { BucketName = Bucket, Prefix = bucketPrefix });
        return [.. (response.MultipartUploads ?? []).Select(u => (u.Key, u.UploadId))];
    }

    /// <summary>Stops the emulator (its whole process tree) and deletes its folder.</summary>
    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_process is not null)
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
                }
            }
            catch (Exception error) when (error is InvalidOperationException or TimeoutException)
            {
                // already gone
            }

            _process.Dispose();
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException)
        {
        }
    }

    private async Task<int> StartAsync()
    {
        var start = new ProcessStartInfo(Emulators.Node!)
        {
            WorkingDirectory = Emulators.Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            Path.Combine(Emulators.Folder, "s3rver.mjs"), "--port", "0", "--directory", _folder, "--bucket", Bucket,
            "--exit-with-stdin",
        })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_errors)
                {
                    _errors.AppendLine(e.Data);
                }
            }
        };
        _process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(s_startTimeout);
        while (await _process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("listening ", StringComparison.Ordinal)
                && int.TryParse(line["listening ".Length..], CultureInfo.InvariantCulture, out var port))
            {
                return port;
            }
        }

        await _process.WaitForExitAsync(timeout.Token);
        throw new InvalidOperationException($"node exited with code {_process.ExitCode} before it was ready");
    }

    private string Errors()
    {
        lock (_errors)
        {
            return _errors.ToString();
        }
    }
}
