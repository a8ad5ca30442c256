// The part of markdown-it (the renderer of VS Code's Markdown preview, here through @vscode/vsce)
// that the report test uses; the package ships no types.
declare module 'markdown-it' {
  export default class MarkdownIt {
    constructor(options?: { html?: boolean; linkify?: boolean });
    render(src: string): string;
    renderInline(src: string): string;
  }
}
