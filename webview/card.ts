// A titled panel with download buttons; every chart and map lives in one.
import { downloadCsv, downloadPng, downloadSvg } from './export';

export interface CsvTable {
  header: string[];
  rows: (string | number)[][];
}

export interface CardExports {
  /** A standalone SVG of what the card shows (see standaloneSvg). */
  svg(): SVGSVGElement | undefined;
  csv(): CsvTable | undefined;
}

export interface Card {
  root: HTMLElement;
  /** One line under the title saying what is shown. */
  caption: HTMLElement;
  body: HTMLElement;
}

export function createCard(parent: HTMLElement, title: string, fileName: string, exports: CardExports): Card {
  const root = element('section', 'card');
  const header = element('header', 'card-header');
  const heading = element('h2', 'card-title');
  heading.textContent = title;
  const caption = element('span', 'card-caption');
  const buttons = element('span', 'card-exports');
  const actions: [string, string, () => void][] = [
    ['PNG', 'Download the chart as a PNG image', () => withSvg(exports, (svg) => void downloadPng(svg, fileName))],
    ['SVG', 'Download the chart as an SVG image', () => withSvg(exports, (svg) => downloadSvg(svg, fileName))],
    ['CSV', 'Download the data as CSV', () => {
      const table = exports.csv();
      if (table) downloadCsv(table.header, table.rows, fileName);
    }],
  ];
  for (const [label, tooltip, run] of actions) {
    const button = element('button', 'link-button');
    button.textContent = label;
    button.title = tooltip;
    button.addEventListener('click', run);
    buttons.appendChild(button);
  }
  header.append(heading, buttons, caption);
  const body = element('div', 'card-body');
  root.append(header, body);
  parent.appendChild(root);
  return { root, caption, body };
}

function withSvg(exports: CardExports, use: (svg: SVGSVGElement) => void): void {
  const svg = exports.svg();
  if (svg) use(svg);
}

export function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (className) el.className = className;
  return el;
}
