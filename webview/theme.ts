// Colours come only from VS Code's theme variables. SVG uses them through CSS classes; canvases
// and exports need concrete values, read here, and everything redraws when the theme changes.
// Chart colours are checked against the theme's actual background and made lighter or darker
// where they would be hard to see (contrast < 3:1); the CSS classes read the result.
import { color, interpolateLab } from 'd3';
import { parseColour, readableColour, readablePalette, Rgb, toHex } from './contrast';

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

interface Palette {
  named: Record<ChartColour, string>;
  /** Distinct readable colours for word classes: the chart colours, then a few more hues. */
  classes: string[];
  /** From the most frequent word's colour to the rarest's, each readable. */
  frequency: string[];
}

const FREQUENCY_STEPS = 32;

let paletteCache: Palette | undefined;

function palette(): Palette {
  if (paletteCache) return paletteCache;
  const bg = parseColour(background()) ?? [255, 255, 255];
  const fallback: Rgb = parseColour(foreground()) ?? [136, 136, 136];
  const theme = CHART_COLOURS.map((c) => parseColour(cssVar(`--vscode-charts-${c}`)) ?? fallback);
  const named = Object.fromEntries(CHART_COLOURS.map((c, k) => [c, toHex(readableColour(theme[k], bg))])) as Record<ChartColour, string>;
  const [frequent, rare] = [parseColour(named.orange) ?? fallback, parseColour(named.blue) ?? fallback];
  const between = interpolateLab(toHex(frequent), toHex(rare));
  const frequency = Array.from({ length: FREQUENCY_STEPS }, (_, k) => toHex(readableColour(parseColour(color(between(k / (FREQUENCY_STEPS - 1)))?.formatHex() ?? '') ?? fallback, bg)));
  paletteCache = { named, classes: readablePalette(theme, bg).map(toHex), frequency };
  return paletteCache;
}

/** The theme's chart colour `c`, made readable on the background (the stroke-/fill- classes use the same). */
export function chartColour(c: ChartColour): string {
  return palette().named[c];
}

export function classColours(): readonly string[] {
  return palette().classes;
}

/** The colour of a word at `share` (0 = the most frequent, 1 = the rarest; see frequencyScale.ts). */
export function frequencyColour(share: number): string {
  const steps = palette().frequency;
  return steps[Math.round(Math.max(0, Math.min(1, share)) * (steps.length - 1))];
}

/** Publishes the readable chart colours as --nlm-charts-* variables for the stroke-/fill- classes. */
function applyChartColours(): void {
  paletteCache = undefined;
  for (const c of CHART_COLOURS) document.body.style.setProperty(`--nlm-charts-${c}`, chartColour(c));
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
  applyChartColours();
  const observer = new MutationObserver(() => {
    fontCache = undefined;
    applyChartColours();
    onChange();
  });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
}
