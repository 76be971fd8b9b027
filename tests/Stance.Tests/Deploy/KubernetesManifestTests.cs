using System.Reflection;
using System.Text.RegularExpressions;
using k8s.Models;
using Stance.Hosting;
using Stance.Tests.Support;

namespace Stance.Tests.Deploy;

/// <summary>deploy/k8s against what the job needs and against docs/kubernetes.md. No cluster runs these manifests in
/// the tests: they are read into the Kubernetes client's typed models and checked field by field.</summary>
public sealed partial class KubernetesManifestTests
{
    private static readonly HashSet<int> s_failJob =
        [ExitCodes.ConfigurationError, ExitCodes.AuthFailed, ExitCodes.ModelUnavailable, ExitCodes.NoInput];

    private static readonly HashSet<int> s_failIndex = [ExitCodes.CompletedWithFailures, ExitCodes.BudgetExceeded];

    private static string KubernetesDoc => Path.Combine(RepoPaths.Root, "docs", "kubernetes.md");

    [Fact]
    public void EveryManifestLoadsIntoKubernetesModelsWithNoUnknownField()
    {
        Assert.NotEmpty(Manifests.Files);
        foreach (var file in Manifests.Files)
        {
            Assert.NotEmpty(Manifests.Load(file));
        }
    }

    [Fact]
    public void TheCronJobRunsAnIndexedJobWithOnePodPerShard()
    {
        var cronJob = Manifests.CronJob;
        var job = Manifests.NightlyJob;
        var shards = int.Parse(Manifests.Argument(Manifests.NightlyContainer, "--shards")!, null);

        Assert.Equal("CronJob", cronJob.Kind);
        Assert.Equal("Forbid", cronJob.Spec.ConcurrencyPolicy);
        Assert.Equal("Indexed", job.CompletionMode);
        Assert.True(shards > 1, "--shards");
        Assert.Equal(shards, job.Completions);
        Assert.Equal(shards, job.Parallelism);
        // Each pod's shard comes from JOB_COMPLETION_INDEX: a fixed index would make every pod the same shard.
        Assert.DoesNotContain("--shard-index", Manifests.NightlyContainer.Args);
        Assert.DoesNotContain(
            Manifests.NightlyContainer.Env,
            e => e.Name.StartsWith("Stance__ShardIndex", StringComparison.Ordinal));
    }

    [Fact]
    public void EachShardIsRetriedOnItsOwnAndNeverRunsTwiceAtOnce()
    {
        var job = Manifests.NightlyJob;

        Assert.True(job.BackoffLimitPerIndex > 0, "backoffLimitPerIndex, which FailIndex needs");
        Assert.Null(job.BackoffLimit); // with backoffLimitPerIndex it defaults to no limit; a small one stops all
        Assert.Null(job.MaxFailedIndexes); // one shard's failure does not stop the others
        Assert.Equal("Failed", job.PodReplacementPolicy);
        Assert.Equal("Never", job.Template.Spec.RestartPolicy); // onExitCodes needs it
        Assert.True(job.ActiveDeadlineSeconds < 24 * 3600, "a night must end before the next one");
    }

    [Fact]
    public void ThePodFailurePolicyFollowsTheExitCodes()
    {
        var rules = Manifests.NightlyJob.PodFailurePolicy.Rules;

        Assert.Equal(s_failJob, ExitCodesOf(rules, "FailJob"));
        Assert.Equal(s_failIndex, ExitCodesOf(rules, "FailIndex"));
        var ignore = Assert.Single(rules, r => r.Action == "Ignore");
        Assert.Null(ignore.OnExitCodes);
        var condition = Assert.Single(ignore.OnPodConditions);
        Assert.Equal("DisruptionTarget", condition.Type);
        Assert.Equal("True", condition.Status);
        // Every other exit code has no rule, so it counts against backoffLimitPerIndex: retried.
        Assert.Equal(3, rules.Count);
        Assert.All(
            rules.Where(r => r.OnExitCodes is not null),
            r => Assert.Equal(Manifests.NightlyContainer.Name, r.OnExitCodes.ContainerName));
    }

    [Fact]
    public void TheExitCodeTableOfTheDocsIsThePodFailurePolicy()
    {
        var table = ExitCodeTable.Read(KubernetesDoc);
        var rules = Manifests.NightlyJob.PodFailurePolicy.Rules;

        Assert.Equal(["Count", "FailIndex", "FailJob", "Ignore"], table.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(ExitCodesOf(rules, "FailJob"), table["FailJob"].Codes);
        Assert.Equal(ExitCodesOf(rules, "FailIndex"), table["FailIndex"].Codes);
        Assert.Contains("DisruptionTarget", table["Ignore"].Cell, StringComparison.Ordinal);
        Assert.Empty(table["Ignore"].Codes);
    }

    [Fact]
    public void EveryExitCodeOfTheJobHasExactlyOneRowInTheDocsTable()
    {
        // A new exit code must be placed: failing the Job, failing its index, or retried.
        var table = ExitCodeTable.Read(KubernetesDoc);
        var codes = typeof(ExitCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(int))
            .Select(f => (Name: f.Name, Code: (int)f.GetRawConstantValue()!))
            .Where(c => c.Code != ExitCodes.Ok);

        Assert.All(codes, c => Assert.True(
            table.Values.Count(row => row.Codes.Contains(c.Code)) == 1,
            $"ExitCodes.{c.Name} ({c.Code}) must be in exactly one row of the table of docs/kubernetes.md"));
        Assert.Superset(new HashSet<int> { 137, 143 }, table["Count"].Codes); // SIGKILL, SIGTERM unhandled
    }

    [Fact]
    public void ThePodReadsItsRunNameStateAndKeyFromKubernetes()
    {
        var container = Manifests.NightlyContainer;
        var pod = Manifests.NightlyJob.Template.Spec;

        Assert.Equal(
            "metadata.labels['batch.kubernetes.io/job-name']",
            Manifests.Env(container, "Stance__RunName").ValueFrom.FieldRef.FieldPath);
        var tmp = Assert.Single(container.VolumeMounts, m => m.MountPath == "/tmp");
        var volume = Assert.Single(pod.Volumes, v => v.Name == tmp.Name);
        Assert.NotNull(volume.EmptyDir?.SizeLimit);
        var stateFolder = Manifests.Env(container, "Stance__Storage__StateFolder").Value;
        Assert.StartsWith("/tmp/", stateFolder, StringComparison.Ordinal);
        Assert.StartsWith("/tmp/", Manifests.Env(container, "Stance__Journal").Value, StringComparison.Ordinal);
        var key = Manifests.Env(container, "OPENAI_API_KEY").ValueFrom.SecretKeyRef;
        Assert.Equal(Manifests.Secret.Metadata.Name, key.Name);
        Assert.Contains(key.Key, Manifests.Secret.StringData.Keys);
        Assert.StartsWith("s3://", Manifests.Argument(container, "--output"), StringComparison.Ordinal);
    }

    [Fact]
    public void NoManifestHoldsASecretValue()
    {
        foreach (var (file, pod) in Manifests.Pods)
        {
            foreach (var env in pod.Spec.Containers.SelectMany(c => c.Env ?? []))
            {
                Assert.False(
                    SecretName().IsMatch(env.Name) && env.Value is not null,
                    $"{file}: {env.Name} has a literal value; take it from a secret (secretKeyRef)");
            }
        }

        Assert.All(Manifests.Secret.StringData.Values, v => Assert.Equal("REPLACE-ME", v));
        foreach (var file in Manifests.Files)
        {
            Assert.DoesNotMatch(SecretValue(), File.ReadAllText(file));
        }
    }

    [Fact]
    public void EveryPodRunsAsTheImagesUserOnAReadOnlyRootFileSystem()
    {
        Assert.NotEmpty(Manifests.Pods);
        foreach (var (file, pod) in Manifests.Pods)
        {
            var security = pod.Spec.SecurityContext;
            Assert.True(security.RunAsNonRoot, file);
            Assert.Equal(1654, security.RunAsUser); // the .NET images' APP_UID, the Dockerfile's USER
            Assert.Equal("RuntimeDefault", security.SeccompProfile.Type);
            Assert.Equal("Never", pod.Spec.RestartPolicy);
            var container = Assert.Single(pod.Spec.Containers);
            Assert.True(container.SecurityContext.ReadOnlyRootFilesystem, file);
            Assert.True(container.SecurityContext.RunAsNonRoot, file);
            Assert.False(container.SecurityContext.AllowPrivilegeEscalation, file);
            Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
            // The only writable place, where the runtime's TMPDIR (the Dockerfile's ENV) is.
            var tmp = Assert.Single(container.VolumeMounts, m => m.MountPath == "/tmp");
            Assert.NotNull(Assert.Single(pod.Spec.Volumes, v => v.Name == tmp.Name).EmptyDir);
        }
    }

    [Fact]
    public void TheCommitJobCommitsTheRunOfTheCronJob()
    {
        var nightly = Manifests.NightlyContainer;
        var commit = Assert.Single(Manifests.CommitJob.Spec.Template.Spec.Containers);

        Assert.Contains("--commit", commit.Args);
        Assert.Equal(nightly.Image, commit.Image);
        foreach (var option in new[] { "--shards", "--output", "--input", "--provider", "--model" })
        {
            Assert.Equal(Manifests.Argument(nightly, option), Manifests.Argument(commit, option));
        }

        Assert.NotNull(Manifests.Env(commit, "Stance__RunName").Value);
        Assert.Null(Manifests.CommitJob.Spec.CompletionMode); // one pod, no shard index
    }

    private static HashSet<int> ExitCodesOf(IList<V1PodFailurePolicyRule> rules, string action)
    {
        var rule = Assert.Single(rules, r => r.Action == action);
        Assert.Equal("In", rule.OnExitCodes.OperatorProperty);
        return [.. rule.OnExitCodes.Values];
    }

    [GeneratedRegex("KEY|SECRET|TOKEN|PASSWORD|CONNECTION_STRING", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    // An OpenAI-style key, an AWS access key id, an Azure account key or SAS signature.
    [GeneratedRegex(@"sk-[A-Za-z0-9_-]{16,}|AKIA[0-9A-Z]{16}|AccountKey=|[?&]sig=")]
    private static partial Regex SecretValue();
}
