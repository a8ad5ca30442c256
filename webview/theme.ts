// Colours come only from VS Code's theme variables. SVG uses them through CSS classes; canvases
// and exports need concrete values, read here, and everything redraws when the theme changes.
import { color, interpolateLab } from 'd3';

/** Chart colours VS Code defines in every theme, in the order series and classes use them. */
export const CHART_COLOURS = ['blue', 'red', 'green', 'orange', 'purple', 'yellow'] as const;
export type ChartColour = (typeof CHART_COLOURS)[number];

export function cssVar(name: string, fallback = ''): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

let fontCache: string | undefined;

/** The font of chart text (11px in the UI font); read once per theme, not while drawing. */
export function chartFont(): string {
  fontCache ??= `11px ${cssVar('--vscode-font-family', 'sans-serif')}`;
  return fontCache;
}

export function foreground(): string {
  return cssVar('--vscode-editor-foreground', cssVar('--vscode-foreground', '#888'));
}

export function background(): string {
  return cssVar('--vscode-editor-background', '#fff');
}

export function chartColour(c: ChartColour): string {
  return cssVar(`--vscode-charts-${c}`, foreground());
}

export function isHighContrast(): boolean {
  return document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light');
}

/**
 * Diverging scale for signed weights: blue below zero, red above, the editor background at zero,
 * so a cell's colour says "how far from zero" in any theme. `t` runs from −1 to 1.
 */
export function divergingColours(): (t: number) => [number, number, number] {
  const mid = background();
  const negative = interpolateLab(mid, chartColour('blue'));
  const positive = interpolateLab(mid, chartColour('red'));
  return (t) => {
    const c = color(t < 0 ? negative(Math.min(1, -t)) : positive(Math.min(1, t)))?.rgb();
    return c ? [c.r, c.g, c.b] : [128, 128, 128];
  };
}

/** Calls `onChange` when VS Code switches the theme: it sets the body's class and the variables on <html>. */
export function onThemeChange(onChange: () => void): void {
  const observer = new MutationObserver(() => {
    fontCache = undefined;
    onChange();
  });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
}
