// Hovers in the iteration document while a run is loaded (debugging or not): a tensor's one-line
// summary, which phases write and read it, whether this iteration has computed it yet, and a text
// histogram of its values; a field such as `lr` or `N` shows its value. Everything comes from the
// worker through the shared run. While debugging, VS Code shows the debug hover instead (the
// same facts, from the adapter) and this one with Alt.
import * as vscode from 'vscode';
import { describeNotComputed } from '../../engine/iterationProgress';
import { formatStats } from '../../engine/metrics';
import type { RunController } from '../session/runController';
import { identifierAt } from '../expression';
import { textHistogram } from './textHistogram';

export class IterationHoverProvider implements vscode.HoverProvider, vscode.EvaluatableExpressionProvider {
  constructor(private readonly run: RunController) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const found = this.nameAt(document, position);
    if (!found || !this.run.info) return undefined;
    const { name, range } = found;
    try {
      const data = await this.run.request({ kind: 'tensor', name });
      const md = new vscode.MarkdownString();
      md.appendMarkdown(`**${name}** ${this.roles(name)}\n\n`);
      if (data.notComputed) md.appendMarkdown(`⚠ ${describeNotComputed(data.notComputed)}\n\n`);
      md.appendCodeblock(`${formatStats(data.stats)}\n\n${textHistogram(data.values)}`, 'text');
      return new vscode.Hover(md, range);
    } catch {
      // Not a tensor: maybe a field (lr, N, loss); anything else (x1, softmax) has no hover.
      try {
        const { text } = await this.run.request({ kind: 'evaluate', expression: name });
        return new vscode.Hover(new vscode.MarkdownString().appendCodeblock(`${name} = ${text}`, 'text'), range);
      } catch {
        return undefined;
      }
    }
  }

  /** What the debugger's own hover evaluates: the bare name under the mouse. */
  provideEvaluatableExpression(document: vscode.TextDocument, position: vscode.Position): vscode.EvaluatableExpression | undefined {
    const found = this.nameAt(document, position);
    return found && new vscode.EvaluatableExpression(found.range, found.name);
  }

  private nameAt(document: vscode.TextDocument, position: vscode.Position): { name: string; range: vscode.Range } | undefined {
    const line = document.lineAt(position.line).text;
    const comment = line.indexOf('#');
    if (comment >= 0 && position.character >= comment) return undefined;
    const id = identifierAt(line, position.character);
    return id && { name: id.name, range: new vscode.Range(position.line, id.start, position.line, id.end) };
  }

  /** "written by dW3 · read by dH, update", from the run's phase list. */
  private roles(name: string): string {
    const phases = this.run.info?.phases ?? [];
    const by = (key: 'writes' | 'reads') => phases.filter((p) => p[key].includes(name)).map((p) => `\`${p.name}\``);
    const parts = [['written by', by('writes')], ['read by', by('reads')]].filter(([, list]) => list.length).map(([label, list]) => `${label} ${(list as string[]).join(', ')}`);
    return parts.length ? `— ${parts.join(' · ')}` : '';
  }
}
