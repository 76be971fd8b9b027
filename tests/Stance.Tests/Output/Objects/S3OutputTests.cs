using Stance.Storage.Objects;
using Stance.Tests.Support;

namespace Stance.Tests.Output.Objects;

/// <summary>The object-store output on S3, through s3rver.</summary>
public sealed class S3OutputTests(S3Emulator emulator) : ObjectOutputContract, IClassFixture<S3Emulator>
{
    private const string CanarySecret = "CANARY-aws-secret-7f3a9c";

    private protected override IReadOnlyDictionary<string, string> Environment =>
        new Dictionary<string, string>(emulator.Environment) { ["AWS_SECRET_ACCESS_KEY"] = CanarySecret };

    private protected override string Secret => CanarySecret;

    private protected override string MissingContainerUrl => "s3://no-such-bucket/stance";

    private protected override string Url(string prefix) => $"s3://{emulator.Bucket}/{prefix}";

    private protected override IObjectStore Store(string prefix) => emulator.CreateStore(prefix);

    private protected override void SkipIfUnavailable() => emulator.SkipIfUnavailable();

    private protected override async Task<IReadOnlyList<string>> PendingUploadsAsync(string prefix) =>
        [.. (await emulator.ListPendingUploadsAsync(prefix + "/")).Select(u => u.Key)];
}
