// The evaluation report is Markdown built from dataset words: words that are Markdown or HTML must
// render as their own characters in VS Code's preview (markdown-it, HTML allowed), never as an image,
// a link or markup.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import MarkdownIt from 'markdown-it';
import { markdownText, renderEvaluationReport } from '../../src/extension/commands/evaluationReport';
import type { EvaluationReport } from '../../src/extension/protocol';

const HOSTILE = ['![x](https://example.com/p.png)', '<img src=https://example.com/q.png>', '[a](https://example.com)', '**b**', '`c`', 'd|e', '<script>f()</script>', 'a\\b', '&amp;'];

/** Text content of rendered HTML, entities decoded. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

test('words from data render as literal text: no image, link, script or emphasis', () => {
  const md = new MarkdownIt({ html: true });
  for (const word of HOSTILE) {
    const html = md.renderInline(markdownText(word));
    assert.doesNotMatch(html, /<(img|a|script|strong|em|code)\b/, `${word} → ${html}`);
    assert.equal(textOf(html), word);
  }
});

test('the whole report escapes every field that comes from data', () => {
  const report: EvaluationReport = {
    n: 3,
    ce: 1.5,
    acc: 0.5,
    top5: 1,
    perplexity: 4.48,
    dataset: '<img src=x>',
    split: 'test',
    unit: 'examples',
    topErrors: [{ target: HOSTILE[0], predicted: HOSTILE[1], count: 2 }],
    perWord: [{ word: HOSTILE[2], count: 1, acc: 1 }],
    samples: [{ context: HOSTILE[3] + ' ' + HOSTILE[4], target: HOSTILE[5], predicted: HOSTILE[6], p: 0.5 }],
  };
  const html = new MarkdownIt({ html: true }).render(renderEvaluationReport(report, '/tmp/`model`.safetensors'));
  assert.doesNotMatch(html, /<(img|a|script|strong|em)\b/);
  for (const word of HOSTILE.slice(0, 7)) assert.ok(textOf(html).includes(word), word);
  assert.ok(textOf(html).includes('/tmp/`model`.safetensors'));
  // The tables keep their shape: the "|" inside a word did not open a column.
  assert.match(html, /<td>d\|e<\/td>/);
});

test('at 8,000 words every word has its row, 500 to a folded page, the first 20 also in the frequent-word table', () => {
  const perWord = Array.from({ length: 8000 }, (_, i) => ({ word: i === 4321 ? HOSTILE[0] : `w${i}`, count: 8000 - i, acc: (i % 10) / 10 }));
  const report: EvaluationReport = { n: 32004000, ce: 5, acc: 0.45, top5: 0.6, perplexity: 148, dataset: 'kjv/kjv.txt', split: 'test', unit: 'examples', topErrors: [], perWord, samples: [] };
  const markdown = renderEvaluationReport(report, 'model.safetensors');
  const html = new MarkdownIt({ html: true }).render(markdown);
  assert.equal((html.match(/<details>/g) ?? []).length, 16);
  assert.match(html, /<summary>words 7501–8000<\/summary>/);
  // 20 frequent-word rows + 8000 rows in the pages, one of them the hostile word's.
  assert.equal((markdown.match(/^\| (\d+ \| )?w\d+ \|/gm) ?? []).length, 20 + 7999);
  assert.ok(markdown.includes('| 8000 | w7999 | 1 | 90.00 % |'));
  assert.doesNotMatch(html, /<img\b/, 'a word in a page is escaped too');
  // A small vocabulary keeps the one table.
  assert.doesNotMatch(renderEvaluationReport({ ...report, perWord: perWord.slice(0, 20) }, 'm'), /<details>/);
});
