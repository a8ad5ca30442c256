// The one way NLM Lab's webview pages (the dashboard, Compare Runs) are made: their bundle and the
// stylesheet only, under a policy where nothing else runs. The one script runs by a fresh nonce,
// so no other script runs, even one from the extension's own resources. The web components style
// themselves through constructable stylesheets (adoptedStyleSheets) and the charts through CSSOM,
// neither of which needs 'unsafe-inline'; exports are data:/blob: images; the one worker is a blob:
// made from text inside the bundle.
import { randomBytes } from 'crypto';
import * as vscode from 'vscode';

/** A page may load its bundle's folder and the stylesheet's, nothing else of the extension or the disk. */
export function webviewPageRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

/** The HTML of a page whose bundle is dist/webview/`bundle`.js and which mounts into #`rootId`. */
export function webviewPage(webview: vscode.Webview, extensionUri: vscode.Uri, page: { bundle: string; rootId: string; title: string }): string {
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${page.bundle}.js`));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'dashboard.css'));
  const nonce = randomBytes(18).toString('base64');
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data: blob:`,
    `font-src ${webview.cspSource}`,
    // The embedding map's layout worker: webviews start workers from blob: URLs only (layoutClient.ts).
    'worker-src blob:',
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${style}">
  <title>${page.title}</title>
</head>
<body>
  <div id="${page.rootId}"></div>
  <script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
