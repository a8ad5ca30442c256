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
