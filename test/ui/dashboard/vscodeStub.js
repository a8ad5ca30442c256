// Stands in for VS Code's webview host: acquireVsCodeApi() records posted messages, keeps the
// state in sessionStorage (so a reload restores it, as in VS Code), and reports each post to the
// harness. The theme class comes from the page's query string.
(() => {
  const theme = new URLSearchParams(window.location.search).get('theme') || 'vscode-dark';
  document.body.className = theme;
  window.__posted = [];
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(`${e.violatedDirective}: ${e.blockedURI || e.sourceFile || ''}`);
  });
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi() may be called only once');
    acquired = true;
    return {
      postMessage(message) {
        window.__posted.push(message);
        if (window.__onPost) window.__onPost(message);
      },
      getState() {
        const saved = sessionStorage.getItem('vscodeState');
        return saved ? JSON.parse(saved) : undefined;
      },
      setState(state) {
        sessionStorage.setItem('vscodeState', JSON.stringify(state));
      },
    };
  };
})();
