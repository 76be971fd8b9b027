using Stance.Journal;
using Stance.Paragraphs;
using Stance.Scoring.Llm;

namespace Stance.Scoring.Batch;

/// <summary>What the batch step of one run works with.</summary>
/// <param name="Input">Streams the run's paragraphs (read once per round).</param>
/// <param name="Folder">Where request files are written before upload (beside the journal: a local disk).</param>
/// <param name="ReuseEarlierRuns">Answers journaled by earlier runs count as answered (<c>Stance:Cache</c>).</param>
/// <param name="StateFolder">The run's local state folder (where a crash test's hold is marked).</param>
internal sealed record BatchWork(
    RunStamp Run,
    ResultStore Store,
    BatchLedger Ledger,
    KernelParagraphScorer Scorer,
    Func<IEnumerable<Paragraph>> Input,
    string Folder,
    bool ReuseEarlierRuns,
    string StateFolder);
