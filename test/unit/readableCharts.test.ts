// What keeps the dashboard readable in every theme: chart colours with ≥ 3:1 contrast against
// the theme's background, map labels that never overlap, and neighbour similarities shown with
// enough digits to tell them apart.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { colourDistance, contrastRatio, parseColour, readableColour, readablePalette, Rgb } from '../../webview/contrast';
import { LabelBox, placeLabels } from '../../webview/labelPlacement';
import { formatSimilarities } from '../../webview/neighbours';

const rgb = (text: string): Rgb => parseColour(text) ?? assert.fail(`not a colour: ${text}`);

/** VS Code's chart colours (blue, red, green, orange, purple, yellow) and editor background per theme. */
const THEMES: Record<string, [string, string[]]> = {
  'Dark Modern': ['#1f1f1f', ['#3794ff', '#f14c4c', '#89d185', '#d18616', '#b180d7', '#cca700']],
  'Light Modern': ['#ffffff', ['#1a85ff', '#e51400', '#388a34', '#d18616', '#652d90', '#bf8803']],
  'High Contrast': ['#000000', ['#3794ff', '#f48771', '#89d185', '#ff8c00', '#b180d7', '#ffd370']],
  // A theme whose chart colours are too dark for its background (the "dark brown on dark" case).
  'dark with dark colours': ['#1e1e1e', ['#1c3d6e', '#5a1e14', '#2a4a22', '#4a2f12', '#3b2450', '#4d4410']],
  'light with pale colours': ['#fafafa', ['#a8ccff', '#ffb3a8', '#bde8b9', '#ffd9b3', '#e0c8f0', '#fff2a8']],
};

test('WCAG contrast: black on white is 21, a colour on itself 1, and the ratio is symmetric', () => {
  assert.equal(contrastRatio(rgb('#000'), rgb('#ffffff')), 21);
  assert.equal(contrastRatio(rgb('rgb(31, 31, 31)'), rgb('#1f1f1f')), 1);
  assert.equal(contrastRatio(rgb('#d18616'), rgb('#fff')), contrastRatio(rgb('#fff'), rgb('#d18616')));
  // VS Code's orange on white is below 3:1: this is what the adjustment is for.
  assert.ok(contrastRatio(rgb('#d18616'), rgb('#ffffff')) < 3);
});

test('a colour below 3:1 becomes lighter on dark and darker on light backgrounds, keeping its hue roughly', () => {
  const brown = rgb('#4a2f12');
  const onDark = readableColour(brown, rgb('#1e1e1e'));
  assert.ok(contrastRatio(onDark, rgb('#1e1e1e')) >= 3);
  assert.ok(onDark[0] > brown[0] && onDark[0] > onDark[2], `still warm: ${onDark.join(',')}`);
  const peach = rgb('#ffd9b3');
  const onLight = readableColour(peach, rgb('#ffffff'));
  assert.ok(contrastRatio(onLight, rgb('#ffffff')) >= 3);
  assert.ok(onLight[0] < peach[0]);
  // Colours that are readable already stay as they are.
  assert.deepEqual(readableColour(rgb('#3794ff'), rgb('#1f1f1f')), rgb('#3794ff'));
});

for (const [name, [background, colours]] of Object.entries(THEMES)) {
  test(`${name}: every palette colour has ≥ 3:1 contrast and no two look alike`, () => {
    const bg = rgb(background);
    const palette = readablePalette(colours.map(rgb), bg);
    assert.ok(palette.length >= 5, `${palette.length} colours`);
    for (const c of palette) assert.ok(contrastRatio(c, bg) >= 3, `${c.join(',')}: ${contrastRatio(c, bg).toFixed(2)}`);
    for (let i = 0; i < palette.length; i++) {
      for (let j = i + 1; j < palette.length; j++) assert.ok(colourDistance(palette[i], palette[j]) >= 0.09, `colours ${i} and ${j} alike`);
    }
  });
}

const overlap = (a: LabelBox, b: LabelBox): boolean => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

test('labels of a dense clump are placed without overlaps, inside the view, and zooming in shows more', () => {
  // 300 words in a 120-px clump: at most a few dozen labels fit.
  let seed = 5;
  const next = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const points = Array.from({ length: 300 }, () => [400 + 120 * (next() - 0.5), 300 + 120 * (next() - 0.5)]);
  const shown = (scale: number): LabelBox[] => {
    const requests = points.map(([x, y]) => ({ x: 400 + (x - 400) * scale, y: 300 + (y - 300) * scale, width: 40, height: 14 }));
    const boxes = placeLabels(requests, [...requests.keys()], 800, 600);
    const placed = boxes.filter((b): b is LabelBox => b !== undefined);
    for (let i = 0; i < placed.length; i++) {
      const b = placed[i];
      assert.ok(b.left >= 0 && b.top >= 0 && b.right <= 800 && b.bottom <= 600);
      for (let j = i + 1; j < placed.length; j++) assert.ok(!overlap(b, placed[j]), `labels ${i} and ${j} overlap`);
    }
    // No label covers another word's marker.
    for (const b of placed) for (const r of requests) assert.ok(!(r.x > b.left && r.x < b.right && r.y > b.top && r.y < b.bottom), 'label over a marker');
    return placed;
  };
  const overview = shown(1).length;
  const zoomed = shown(4).length;
  assert.ok(overview > 5 && overview < 300, `overview shows ${overview}`);
  assert.ok(zoomed > 2 * overview, `zoomed in shows ${zoomed} (overview ${overview})`);
});

test('the word under the pointer keeps its label even inside a crowd of markers', () => {
  const requests = [{ x: 100, y: 100, width: 60, height: 18 }];
  for (let dx = -12; dx <= 12; dx += 4) for (let dy = -12; dy <= 12; dy += 4) if (dx || dy) requests.push({ x: 100 + dx, y: 100 + dy, width: 30, height: 14 });
  const order = [...requests.keys()];
  assert.equal(placeLabels(requests, order, 400, 400)[0], undefined, 'no free spot among the markers');
  const forced = placeLabels(requests, order, 400, 400, 0);
  assert.ok(forced[0], 'the focused word is shown anyway');
  const others = forced.slice(1).filter((b): b is LabelBox => b !== undefined);
  for (const b of others) assert.ok(!overlap(forced[0]!, b), 'and no other label covers it');
});

test('similarities get as many decimals as it takes to tell neighbours apart', () => {
  assert.deepEqual(formatSimilarities([0.91, 0.85, 0.5]), ['0.91', '0.85', '0.50']);
  const close = [0.99987, 0.99962, 0.99951, 0.9991, 0.9989, 0.9987, 0.9984];
  const shown = formatSimilarities(close);
  assert.equal(new Set(shown).size, close.length, shown.join(' '));
  assert.ok(shown.every((s) => s.length === shown[0].length), 'one number of decimals for the list');
  assert.deepEqual(formatSimilarities([1, 1]), ['1.00', '1.00'], 'equal values stay equal, with the fewest digits');
});
