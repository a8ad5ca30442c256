// The Markdown report of "Evaluate Model on Dataset". Every word comes from a dataset a stranger may
// have written, so all text from data is escaped: a word such as `![x](https://…)` or `<img …>`
// must show as those characters, never load an image or become markup in the preview.
import type { EvaluationReport } from '../protocol';

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
/** Words in the "most frequent targets" table, and per page of the whole per-word table. */
const FREQUENT_WORDS = 20;
const WORDS_PER_PAGE = 500;

/** Text from data as literal Markdown: HTML's specials as entities, Markdown's punctuation escaped. */
export function markdownText(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_{}[\]()#+\-.!|~:"']/g, '\\$&')
    .replace(/\r?\n/g, ' ');
}
const cell = markdownText;

export function renderEvaluationReport(r: EvaluationReport, model: string): string {
  const lines = [
    `# Evaluation: ${cell(r.dataset)} (${r.split})`,
    '',
    `Model: ${markdownText(model)}`,
    '',
    `| ${r.unit} | ${r.unit === 'tokens' ? 'cross-entropy per token' : 'cross-entropy'} | accuracy | top-5 | perplexity |`,
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
    ...r.perWord.slice(0, FREQUENT_WORDS).map((w) => `| ${cell(w.word)} | ${w.count} | ${pct(w.acc)} |`),
    '',
    ...wordPages(r.perWord),
    '## Sample predictions',
    '',
    '| context | target | predicted | p |',
    '|---|---|---|---|',
    ...r.samples.map((s) => `| ${cell(s.context)} | ${cell(s.target)} | ${cell(s.predicted)} | ${s.p.toFixed(3)} |`),
  ];
  return lines.join('\n') + '\n';
}

/** Every word's accuracy, WORDS_PER_PAGE to a folded section, so that the preview stays quick at
 *  8,000 words (a folded page is not laid out until it is opened). Nothing when the table above
 *  already lists every word. */
function wordPages(words: EvaluationReport['perWord']): string[] {
  if (words.length <= FREQUENT_WORDS) return [];
  const lines = ['## Accuracy per word', '', `All ${words.length} words that are targets here, most frequent first, ${WORDS_PER_PAGE} to a page.`, ''];
  for (let start = 0; start < words.length; start += WORDS_PER_PAGE) {
    const page = words.slice(start, start + WORDS_PER_PAGE);
    lines.push(`<details><summary>words ${start + 1}–${start + page.length}</summary>`, '', '| rank | word | count | accuracy |', '|---|---|---|---|');
    lines.push(...page.map((w, i) => `| ${start + i + 1} | ${cell(w.word)} | ${w.count} | ${pct(w.acc)} |`), '', '</details>', '');
  }
  return lines;
}
