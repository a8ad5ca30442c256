// The Markdown report of "Evaluate Model on Dataset".
import type { EvaluationReport } from '../protocol';

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
const cell = (s: string) => s.replace(/\|/g, '\\|');

export function renderEvaluationReport(r: EvaluationReport, model: string): string {
  const lines = [
    `# Evaluation: ${cell(r.dataset)} (${r.split})`,
    '',
    `Model: \`${model}\``,
    '',
    '| examples | cross-entropy | accuracy | top-5 | perplexity |',
    '|---|---|---|---|---|',
    `| ${r.n} | ${r.ce.toFixed(4)} | ${pct(r.acc)} | ${pct(r.top5)} | ${r.perplexity.toFixed(2)} |`,
    '',
    '## Most frequent errors',
    '',
    '| target | predicted | count |',
    '|---|---|---|',
    ...r.topErrors.map((e) => `| ${cell(e.target)} | ${cell(e.predicted)} | ${e.count} |`),
    '',
    '## Accuracy on the most frequent targets',
    '',
    '| word | count | accuracy |',
    '|---|---|---|',
    ...r.perWord.map((w) => `| ${cell(w.word)} | ${w.count} | ${pct(w.acc)} |`),
    '',
    '## Sample predictions',
    '',
    '| context | target | predicted | p |',
    '|---|---|---|---|',
    ...r.samples.map((s) => `| ${cell(s.context)} | ${cell(s.target)} | ${cell(s.predicted)} | ${s.p.toFixed(3)} |`),
  ];
  return lines.join('\n') + '\n';
}
