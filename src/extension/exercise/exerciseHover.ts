// Hovers and completion in exercise files: what a name is (from the model's declarations and the
// language's function table: engine/exercise/exerciseNames.ts), and with a run loaded its shape
// and statistics at the current stop (from the worker, as the iteration document's hovers);
// completion offers the tensors, sizes and functions, and the names defined on earlier lines.
import * as vscode from 'vscode';
import { describeNotComputed } from '../../engine/iterationProgress';
import { ExerciseName, exerciseNames, NameKind } from '../../engine/exercise/exerciseNames';
import { formatStats } from '../../engine/metrics';
import { textHistogram } from '../debug/textHistogram';
import { identifierAt } from '../expression';
import type { RunController } from '../session/runController';
import { definitionLine, targetOf } from './exerciseLanguage';

export class ExerciseHoverProvider implements vscode.HoverProvider {
  constructor(private readonly run: RunController) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const line = document.lineAt(position.line).text;
    const comment = line.indexOf('#');
    if (comment >= 0 && position.character >= comment) return undefined;
    const id = identifierAt(line, position.character);
    if (!id) return undefined;
    const range = new vscode.Range(position.line, id.start, position.line, id.end);
    const declared = exerciseNames(targetOf(document)).find((n) => n.name === id.name);
    const md = new vscode.MarkdownString();
    if (declared?.kind === 'function') return new vscode.Hover(md.appendCodeblock(declared.detail, 'text'), range);
    const defined = definitionLine(document, id.name);
    if (declared) md.appendMarkdown(`**${id.name}** — ${escape(declared.detail)}\n\n`);
    else if (defined !== undefined && defined !== position.line) md.appendMarkdown(`**${id.name}** — defined on line ${defined + 1}\n\n`);
    else if (defined === undefined) return undefined;
    const stats = declared && (await this.statistics(id.name));
    if (stats) md.appendMarkdown(stats.markdown);
    if (stats?.code) md.appendCodeblock(stats.code, 'text');
    return md.value ? new vscode.Hover(md, range) : undefined;
  }

  /** Shape and statistics of a tensor of the loaded run as it is now; undefined without a run
   *  or for a name the run has no tensor of (the batch's ids, the sizes). */
  private async statistics(name: string): Promise<{ markdown: string; code: string } | undefined> {
    if (!this.run.info) return undefined;
    try {
      const data = await this.run.request({ kind: 'tensor', name });
      const note = data.notComputed ? `⚠ ${describeNotComputed(data.notComputed)}\n\n` : '';
      return { markdown: `at the current stop: **${data.shape.join('×')}**\n\n${note}`, code: `${formatStats(data.stats)}\n\n${textHistogram(data.values)}` };
    } catch {
      return undefined;
    }
  }
}

const KIND: Record<NameKind, vscode.CompletionItemKind> = {
  parameter: vscode.CompletionItemKind.Field,
  gradient: vscode.CompletionItemKind.Variable,
  tensor: vscode.CompletionItemKind.Variable,
  batch: vscode.CompletionItemKind.Variable,
  size: vscode.CompletionItemKind.Constant,
  function: vscode.CompletionItemKind.Function,
};

export class ExerciseCompletionProvider implements vscode.CompletionItemProvider {
  provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] {
    const before = document.lineAt(position.line).text.slice(0, position.character);
    if (before.includes('#')) return [];
    const items = exerciseNames(targetOf(document)).map((n) => item(n));
    // Names the student defined on earlier lines (helpers such as Y = onehot(y, V)).
    const known = new Set(items.map((i) => i.label));
    for (let i = 0; i < position.line; i++) {
      const name = /^\s*([A-Za-z_]\w*)\s*=/.exec(document.lineAt(i).text)?.[1];
      if (name && !known.has(name)) {
        known.add(name);
        items.push(item({ name, kind: 'tensor', detail: `defined on line ${i + 1}` }));
      }
    }
    return items;
  }
}

function item(n: ExerciseName): vscode.CompletionItem {
  const c = new vscode.CompletionItem(n.name, KIND[n.kind]);
  c.detail = n.detail;
  if (n.kind === 'function') c.insertText = new vscode.SnippetString(`${n.name}($0)`);
  return c;
}

function escape(text: string): string {
  return text.replace(/[\\`*_[\]<>]/g, (c) => `\\${c}`);
}
