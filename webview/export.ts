// Downloads of what the dashboard shows: charts as SVG or PNG (with the theme's colours baked in,
// so the file looks like the screen) and series as CSV. Webviews allow <a download> of blob: URLs.
import { background } from './theme';

/** Computed properties copied onto an exported SVG, since its CSS classes do not travel with it. */
const INLINED_STYLES = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'stroke-linejoin',
  'paint-order',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'text-anchor',
  'dominant-baseline',
  'visibility',
  'display',
  'image-rendering',
];

/** A self-contained copy of `svg` with the theme background and inlined styles. */
export function standaloneSvg(svg: SVGSVGElement): SVGSVGElement {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  inlineStyles(svg, copy);
  const { width, height } = svg.getBoundingClientRect();
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('width', String(Math.round(width)));
  copy.setAttribute('height', String(Math.round(height)));
  copy.setAttribute('viewBox', `0 0 ${Math.round(width)} ${Math.round(height)}`);
  const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', background());
  copy.insertBefore(bg, copy.firstChild);
  return copy;
}

/** As presentation attributes, not a style attribute, which the webview's CSP refuses. */
function inlineStyles(source: Element, target: Element): void {
  const computed = getComputedStyle(source);
  for (const property of INLINED_STYLES) target.setAttribute(property, computed.getPropertyValue(property));
  // Positions animated through CSS (the embedding map) become plain attributes.
  if (computed.transform && computed.transform !== 'none') target.setAttribute('transform', computed.transform);
  target.removeAttribute('class');
  target.removeAttribute('style');
  for (let i = 0; i < source.children.length; i++) inlineStyles(source.children[i], target.children[i]);
}

/** Saves a standalone SVG (see standaloneSvg). */
export function downloadSvg(standalone: SVGSVGElement, name: string): void {
  const text = new XMLSerializer().serializeToString(standalone);
  download(new Blob([text], { type: 'image/svg+xml' }), `${name}.svg`);
}

/** Rasterises a standalone SVG at twice the screen resolution. */
export async function downloadPng(standalone: SVGSVGElement, name: string): Promise<void> {
  const width = Number(standalone.getAttribute('width'));
  const height = Number(standalone.getAttribute('height'));
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(new XMLSerializer().serializeToString(standalone))}`;
  await image.decode();
  const scale = 2;
  const canvas = document.createElement('canvas');
  canvas.width = width * scale;
  canvas.height = height * scale;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.scale(scale, scale);
  ctx.drawImage(image, 0, 0, width, height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (blob) download(blob, `${name}.png`);
}

export function downloadCsv(header: string[], rows: (string | number)[][], name: string): void {
  const lines = [header, ...rows].map((row) => row.map(csvField).join(','));
  download(new Blob([lines.join('\n') + '\n'], { type: 'text/csv' }), `${name}.csv`);
}

function csvField(value: string | number): string {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
