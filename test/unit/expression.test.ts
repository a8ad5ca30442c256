import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/engine/rng';
import { Tensor } from '../../src/engine/tensor';
import {
  checkSyntax,
  completionsAt,
  DisplayValue,
  evaluateText,
  ExpressionEnv,
  ExpressionError,
  formatScalar,
  formatValue,
  identifierAt,
  isTruthy,
  lookupWord,
  MAX_DEPTH,
  MAX_LENGTH,
  parseExpression,
  tensorSummary,
  TensorView,
  Value,
} from '../../src/extension/expression';

const VOCAB = ['a', 'city', 'york', 'day'];

function tensor(name: string, shape: number[], values: number[]): Tensor {
  return { name, shape, data: Float32Array.from(values) };
}

const TENSORS: Record<string, Tensor> = {
  W1: tensor('W1', [4, 2], [0.5, -1, 2, 0, -3, 4, 1.5, 2.5]),
  W3: tensor('W3', [3, 4], [0.1, -0.2, 0.3, -0.4, 0.5, 0.6, -0.7, 0.8, 0.9, -1.0, 1.1, 1.2]),
  b2: tensor('b2', [4], [0.1, 0.2, 0.3, 0.4]),
  H: tensor('H', [2, 3], [0.005, 0.5, 0.995, 0.2, 0.999, 0.001]),
  dW3: tensor('dW3', [3, 4], [0.3, 0.3, 0.3, 0.3, 0.2, 0.2, 0.2, 0.2, 0.1, 0.1, 0.1, 0.1]),
  bad: tensor('bad', [3], [1, NaN, Infinity]),
};
const WORD_AXES: Record<string, number[]> = { W1: [0], W3: [1], b2: [0], dW3: [1] };
const SCALARS: Record<string, number> = { epoch: 2, batch: 5, step: 37, loss: 3.2, acc: 0.25, lr: 0.1 };

interface FakeEnv extends ExpressionEnv {
  calls: string[];
}

/** A small environment over the tensors above; `tanhRule` switches saturation to |x| > 0.99. */
function makeEnv(opts: { tanhRule?: boolean } = {}): FakeEnv {
  const ids = new Map(VOCAB.map((w, i) => [w, i]));
  const env: FakeEnv = {
    calls: [],
    tensor: (name) => (Object.hasOwn(TENSORS, name) ? TENSORS[name] : undefined),
    tensorNames: () => Object.keys(TENSORS),
    scalar: (name) => (Object.hasOwn(SCALARS, name) ? SCALARS[name] : undefined),
    scalarNames: () => Object.keys(SCALARS),
    wordId: (word) => ids.get(word),
    vocabulary: () => VOCAB,
    wordLabelledAxes: (name) => WORD_AXES[name] ?? [],
    saturated: () => (opts.tanhRule ? (x: number) => Math.abs(x) > 0.99 : undefined),
    functionNames: () => ['predict', 'nearest'],
    call(name, args): Value {
      env.calls.push(name);
      const [arg] = args;
      if (typeof arg !== 'string') throw new Error(`${name} expects text`);
      if (name === 'predict') {
        const words = arg.split(' ');
        if (words.length !== 3) throw new Error(`expected 3 words, got ${words.length}`);
        words.forEach((w) => lookupWord(env, w));
        return { kind: 'display', text: 'day 0.6, city 0.4' };
      }
      const id = lookupWord(env, arg);
      const display: DisplayValue = { kind: 'display', text: `nearest to ${arg}: city`, table: { header: ['word', 'cos'], rows: [[VOCAB[(id + 1) % 4], 0.9]] } };
      return display;
    },
  };
  return env;
}

const env = makeEnv();

function ev(text: string, e: ExpressionEnv = env): Value {
  return evaluateText(text, e);
}

function view(text: string): TensorView {
  const v = ev(text);
  assert.ok(v instanceof TensorView, `${text} is a tensor view`);
  return v;
}

/** Asserts that evaluating `text` fails with an ExpressionError whose message matches. */
function fails(text: string, message: string | RegExp, pos?: number): ExpressionError {
  try {
    ev(text);
  } catch (err) {
    assert.ok(err instanceof ExpressionError, `${text}: ${String(err)}`);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    if (pos !== undefined) assert.equal(err.pos, pos, `${text}: position`);
    return err;
  }
  assert.fail(`${text} should fail`);
}

function values(t: TensorView): number[] {
  return Array.from(t.values());
}

function close(actual: Value, expected: number, what: string): void {
  assert.equal(typeof actual, 'number', what);
  assert.ok(Math.abs((actual as number) - expected) <= 1e-12 * Math.max(1, Math.abs(expected)), `${what}: ${String(actual)} vs ${expected}`);
}

test('numbers, strings, booleans and operator precedence', () => {
  assert.equal(ev('1+2*3'), 7);
  assert.equal(ev('1+2*3 == 7'), true);
  assert.equal(ev('(1+2)*3'), 9);
  assert.equal(ev('-2*3'), -6);
  assert.equal(ev('- -2'), 2);
  assert.equal(ev('2 - 3 - 4'), -5);
  assert.equal(ev('8 / 4 / 2'), 1);
  assert.equal(ev('10 % 4 + 7 / 2'), 5.5);
  assert.equal(ev('.5 + 1e-3 + 1.5E2'), 150.501);
  assert.equal(ev('"city"'), 'city');
  assert.equal(ev("'don\\'t'"), "don't");
  assert.equal(ev('!(1 < 2)'), false);
  assert.equal(ev('!true || !false'), true);
  assert.equal(ev('true || false && false'), true, '&& binds tighter than ||');
  assert.equal(ev('1 + 2 < 4 && 3 * 2 >= 6'), true);
  assert.equal(ev('(1 < 2) == true'), true);
  assert.equal(ev('1 / 0'), Infinity);
});

test('comparisons on numbers, strings and booleans', () => {
  const cases: [string, boolean][] = [
    ['1 < 2', true],
    ['2 < 2', false],
    ['2 <= 2', true],
    ['3 > 2', true],
    ['2 >= 3', false],
    ['2 == 2.0', true],
    ['2 != 2', false],
    ['"a" == "a"', true],
    ['"a" != "b"', true],
    ['true == false', false],
    ['loss != loss', false],
  ];
  for (const [text, expected] of cases) assert.equal(ev(text), expected, text);
});

test('&& and || short-circuit: the right side is not evaluated when the left decides', () => {
  assert.equal(ev('false && W4 > 0'), false);
  assert.equal(ev('true || nosuch'), true);
  const spy = makeEnv();
  assert.equal(ev('epoch > 5 && nearest("day") == 1', spy), false);
  assert.equal(ev('epoch < 5 || nearest("day") == 1', spy), true);
  assert.deepEqual(spy.calls, []);
  fails('true && W4', /^unknown name "W4"/);
  assert.equal(ev('0 || 2'), true, 'numbers are read as nonzero');
});

test('names resolve through the environment', () => {
  const w1 = view('W1');
  assert.equal(w1.label, 'W1');
  assert.deepEqual(w1.shape, [4, 2]);
  assert.deepEqual(values(w1), Array.from(TENSORS.W1.data));
  assert.equal(ev('epoch'), 2);
  assert.equal(ev('loss * 2'), 6.4);
  assert.equal(ev('step % batch'), 2);
});

test('each function agrees with a direct computation', () => {
  const direct = (xs: number[]) => {
    const n = xs.length;
    const mean = xs.reduce((a, b) => a + b, 0) / n;
    return {
      norm: Math.sqrt(xs.reduce((a, b) => a + b * b, 0)),
      mean,
      std: Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / n),
      min: Math.min(...xs),
      max: Math.max(...xs),
      sum: xs.reduce((a, b) => a + b, 0),
    };
  };
  const york = [TENSORS.W3.data[2], TENSORS.W3.data[6], TENSORS.W3.data[10]];
  for (const [text, xs] of [
    ['W1', Array.from(TENSORS.W1.data)],
    ['W3', Array.from(TENSORS.W3.data)],
    ['W3[:, "york"]', york],
    ['W1["city"]', [2, 0]],
  ] as [string, number[]][]) {
    const d = direct(xs);
    for (const fn of ['norm', 'mean', 'std', 'min', 'max', 'sum'] as const) close(ev(`${fn}(${text})`), d[fn], `${fn}(${text})`);
  }
  assert.equal(ev('nan(W1)'), 0);
  assert.equal(ev('nan(bad)'), 2, 'NaN and Inf both count');
  assert.equal(ev('nan(loss)'), 0);
  assert.equal(ev('nan(0 / 0)'), 1);
  assert.ok(Number.isNaN(ev('mean(bad)')), 'functions follow IEEE arithmetic');
  assert.equal(ev('max(bad[0:1])'), 1);
  assert.equal(ev('max(bad[2:3])'), Infinity);
  close(ev('saturation(H)'), 4 / 6, 'saturation(H) with x < 0.01 or x > 0.99');
  close(ev('saturation(H[0])'), 2 / 3, 'saturation(H[0])');
  close(ev('saturation(H)', makeEnv({ tanhRule: true })), 2 / 6, 'saturation with the environment rule');
  assert.equal(ev('abs(-2.5)'), 2.5);
  assert.equal(ev('min(3, loss, 4)'), 3);
  assert.equal(ev('max(loss, 4)'), 4);
  assert.equal(ev('shape(W3)'), '3×4');
  assert.equal(ev('shape(W3[:, 1])'), '3');
  assert.equal(ev('shape(W1[1:3])'), '2×2');
});

test('environment functions receive evaluated arguments and return display values', () => {
  const p = ev('predict("a city york")');
  assert.deepEqual(p, { kind: 'display', text: 'day 0.6, city 0.4' });
  const n = ev('nearest("day")') as DisplayValue;
  assert.equal(n.kind, 'display');
  assert.deepEqual(n.table?.rows, [['a', 0.9]]);
  assert.equal(formatValue(n), 'nearest to day: city');
});

test('indexing with numbers, slices and words', () => {
  assert.deepEqual(values(view('W1[1]')), [2, 0]);
  assert.equal(ev('W1[2, 1]'), 4);
  assert.equal(ev('W1[2][1]'), 4);
  assert.deepEqual(values(view('W1[:, 1]')), [-1, 0, 4, 2.5]);
  assert.deepEqual(values(view('W1[1, :]')), [2, 0]);
  assert.deepEqual(values(view('W1[1:3]')), [2, 0, -3, 4]);
  assert.deepEqual(view('W1[1:3]').shape, [2, 2]);
  assert.deepEqual(values(view('W1[1:3, 0]')), [2, -3]);
  assert.deepEqual(values(view('W1[:2]')), [0.5, -1, 2, 0]);
  assert.deepEqual(values(view('W1[-1]')), [1.5, 2.5], 'negative indices count from the end');
  assert.equal(ev('b2[-1]'), TENSORS.b2.data[3]);
  assert.equal(ev('b2[step % 4]'), TENSORS.b2.data[1]);
  // Words name rows of W1, columns of W3 and elements of b2.
  assert.deepEqual(values(view('W1["city"]')), [2, 0]);
  assert.equal(view('W1["city"]').label, 'W1["city"]');
  assert.equal(ev('W1["york", 1]'), 4);
  const york = view('W3[:, "york"]');
  assert.equal(york.label, 'W3[:, "york"]');
  assert.deepEqual(values(york), [TENSORS.W3.data[2], TENSORS.W3.data[6], TENSORS.W3.data[10]]);
  assert.equal(ev('W3[1]["york"]'), TENSORS.W3.data[6], 'a row of W3 keeps its word axis');
  assert.equal(ev("b2['day']"), TENSORS.b2.data[3]);
  assert.deepEqual(values(view('W3[0:2][:, 3]')), [TENSORS.W3.data[3], TENSORS.W3.data[7]]);
});

test('syntax errors name the problem and its position', () => {
  fails('norm(W1))', 'unexpected ")" at 8', 8);
  fails('(1 + 2', 'missing ")" for the "(" at 0', 6);
  fails('W1[1', 'missing "]" for the "[" at 2', 4);
  fails('W1[1)', 'unexpected ")" at 4; expected "]"', 4);
  fails('', 'empty expression', 0);
  fails('   ', 'empty expression', 0);
  fails('1 +', 'unexpected end of expression at 3', 3);
  fails('1 2', 'unexpected number 2 at 2', 2);
  fails('W1 "city"', 'unexpected string "city" at 3', 3);
  fails('loss epoch', 'unexpected name "epoch" at 5', 5);
  fails('loss = 4', '"=" is not an operator at 5; use "=="', 5);
  fails('a & b', '"&" is not an operator at 2; use "&&"', 2);
  fails('loss # 4', 'unexpected character "#" at 5', 5);
  fails('Hᵀ', 'unexpected character "ᵀ" at 1', 1);
  fails('1e', 'malformed number "1e" at 0', 0);
  fails('1.2.3', 'malformed number "1.2.3" at 0', 0);
  fails('3W1', 'malformed number "3W1" at 0', 0);
  fails('W1["city]', 'unterminated string starting at 3', 3);
  fails('1 < loss < 4', 'comparisons cannot be chained (at 9); write a < b && b < c', 9);
  fails('(1)(2)', 'unexpected "(" at 3', 3);
  fails('x'.repeat(MAX_LENGTH + 1), `expression is too long (${MAX_LENGTH + 1} characters; the limit is ${MAX_LENGTH})`, MAX_LENGTH);
  fails('-'.repeat(MAX_DEPTH + 1) + '1', /^expression is nested too deeply/, MAX_DEPTH);
  fails('('.repeat(MAX_DEPTH) + '1' + ')'.repeat(MAX_DEPTH), /^expression is nested too deeply/);
  assert.equal(ev('('.repeat(MAX_DEPTH - 1) + '1' + ')'.repeat(MAX_DEPTH - 1)), 1);
  assert.equal(ev(Array(400).fill('1').join('+')), 400, 'long flat chains are not nesting');
  assert.equal(checkSyntax('norm(dW3) > 0.5'), undefined);
  assert.equal(checkSyntax('norm(dW3) >'), 'unexpected end of expression at 11');
});

test('evaluation errors name the problem and its position', () => {
  fails('W4', 'unknown name "W4" (known: W1, W3, b2, H, dW3, bad, epoch, batch, step, loss, acc, lr)', 0);
  fails('1 + losss', /^unknown name "losss"; did you mean "loss"\? \(known: W1, /, 4);
  fails('norm', '"norm" is a function; call it like norm(…)', 0);
  fails('norm(1)', 'norm expects a tensor, got a number', 5);
  fails('norm(W1, W3)', 'norm expects 1 argument, got 2', 0);
  fails('mean("city")', 'mean expects a tensor, got a string', 5);
  fails('abs(W1)', 'abs expects a number, got a tensor (W1 [4×2]); use norm(W1) or mean(W1)', 4);
  fails('min(loss)', 'min expects a tensor, or two or more numbers, got a number', 0);
  fails('nrom(W1)', 'unknown function "nrom"; did you mean "norm"? (functions: norm, mean, std, sum, min, max, nan, saturation, abs, shape, predict, nearest)', 0);
  fails('W1(2)', /^"W1" is not a function \(functions: /, 0);
  fails('W1["cityy"]', 'word "cityy" is not in the vocabulary; did you mean "city"?', 3);
  fails('W1["zzz"]', 'word "zzz" is not in the vocabulary', 3);
  fails('W1[:, "city"]', 'W1 columns are not labelled by words; use a number', 6);
  fails('W1[300]', 'index 300 out of range for W1 rows (0..3)', 3);
  fails('W1[1, 2]', 'index 2 out of range for W1 columns (0..1)', 6);
  fails('W1[-5]', 'index -5 out of range for W1 rows (0..3)', 3);
  fails('W3[1][9]', 'index 9 out of range for W3[1] elements (0..3)', 6);
  fails('W1[1.5]', 'index 1.5 is not a whole number', 3);
  fails('W1[0:9]', 'slice 0:9 out of range for W1 rows (0..3)', 3);
  fails('W1[3:1]', 'slice 3:1 of W1 rows is empty', 3);
  fails('W1["a":2]', 'slice bounds must be numbers, got a string', 3);
  fails('W1[1, 1, 1]', 'W1 has 2 axes, got 3 indices', 0);
  fails('W1[W3]', 'an index must be a number or a word, got a tensor (W3 [3×4])', 3);
  fails('loss[0]', 'cannot index a number', 0);
  fails('W1 + 1', 'cannot add a tensor (W1 [4×2]) and a number; use norm(W1) or mean(W1)', 0);
  fails('2 * W1["city"]', 'cannot multiply a number and a tensor (W1["city"] [2]); use norm(W1["city"]) or mean(W1["city"])', 0);
  fails('W1 > 0.5', 'cannot compare a tensor (W1 [4×2]) with a number using ">"; use norm(W1) or mean(W1)', 0);
  fails('"a" < "b"', 'cannot compare a string with a string using "<"', 0);
  fails('loss == "x"', 'cannot compare a number with a string using "=="', 0);
  fails('true + 1', 'cannot add a boolean and a number', 0);
  fails('-W1', 'cannot negate a tensor (W1 [4×2]); use norm(W1) or mean(W1)', 1);
  fails('!W1', '"!" expects true/false, got a tensor (W1 [4×2])', 1);
  fails('loss > 1 && W1', '"&&" expects true/false, got a tensor (W1 [4×2])', 12);
  // Failures inside environment functions become ExpressionErrors placed on the call.
  fails('1 + nearest("cityy")', 'word "cityy" is not in the vocabulary; did you mean "city"?', 4);
  fails('predict("a city")', 'expected 3 words, got 2', 0);
  fails('predict(1)', 'predict expects text', 0);
});

test('breakpoint conditions', () => {
  const cond = (text: string) => isTruthy(ev(text));
  assert.equal(cond('loss < 4'), true);
  assert.equal(cond('loss < 3'), false);
  close(ev('norm(dW3)'), Math.sqrt(Array.from(TENSORS.dW3.data).reduce((a, x) => a + x * x, 0)), 'norm(dW3)');
  assert.equal(cond('norm(dW3) > 0.5 && epoch >= 1'), true);
  assert.equal(cond('norm(dW3) > 0.5 && epoch >= 3'), false);
  assert.equal(cond('nan(bad) > 0'), true);
  assert.equal(cond('step'), true);
  assert.equal(isTruthy(0), false);
  assert.equal(isTruthy(NaN), false);
  assert.throws(() => isTruthy(ev('W1')), (e) => e instanceof ExpressionError && e.message === 'condition must be true/false, got a tensor (W1 [4×2])');
  assert.throws(() => isTruthy('city'), /condition must be true\/false, got a string/);
});

test('formatValue: numbers to ~6 digits, tensors as one summary line', () => {
  assert.equal(formatScalar(3.912345678), '3.91235');
  assert.equal(formatScalar(1234567), '1234567');
  assert.equal(formatScalar(0.000012345678), '0.0000123457');
  assert.equal(formatScalar(1.5e-9), '1.5e-9');
  assert.equal(formatScalar(NaN), 'NaN');
  assert.equal(formatValue(ev('epoch')), '2');
  assert.equal(formatValue(ev('loss < 4')), 'true');
  assert.equal(formatValue(ev('shape(W1)')), '"4×2"');
  assert.equal(formatValue(ev('W1')), 'W1 [4×2] μ=0.8125 σ=2.045 min=-3 max=4 ‖·‖=6.225 nan=0');
  assert.equal(formatValue(ev('W1["city"]')), 'W1["city"] [2] = [2, 0]');
  assert.match(formatValue(ev('W3[:, "york"]')), /^W3\[:, "york"\] \[3\] = \[0\.3, -0\.7, 1\.1\]$/);
  assert.match(formatValue(ev('W3[:, "york"]'), { maxValues: 2 }), /^W3\[:, "york"\] \[3\] μ=0\.2333 σ=/);
  assert.equal(formatValue(ev('bad'), { maxValues: 0 }), 'bad [3] μ=1 σ=0 min=1 max=1 ‖·‖=1 nan=1 inf=1');
});

test('tensorSummary: one pass over finite entries, counting NaN and Inf', () => {
  const data = Float64Array.from([1, 2, 3, 4, NaN, -Infinity]);
  const s = tensorSummary('x', [6], data);
  const finite = [1, 2, 3, 4];
  assert.equal(s.mean, 2.5);
  close(s.std, Math.sqrt(finite.reduce((a, b) => a + (b - 2.5) ** 2, 0) / 4), 'std');
  assert.equal(s.min, 1);
  assert.equal(s.max, 4);
  close(s.norm, Math.sqrt(30), 'norm');
  assert.equal(s.nan, 1);
  assert.equal(s.inf, 1);
});

test('identifierAt finds ASCII names among math symbols', () => {
  const line = 'dW3 = Hᵀ·dZ2 ; db2 = Σ dZ2';
  const at = (col: number) => identifierAt(line, col)?.name;
  assert.deepEqual(identifierAt(line, 0), { name: 'dW3', start: 0, end: 3 });
  assert.equal(at(2), 'dW3');
  assert.equal(at(3), 'dW3', 'a cursor just after a name');
  assert.equal(at(4), undefined);
  assert.equal(at(6), 'H');
  assert.equal(at(7), 'H', 'ᵀ ends the name');
  assert.equal(at(9), 'dZ2');
  assert.equal(at(16), 'db2');
  assert.equal(at(line.length - 1), 'dZ2');
  assert.equal(at(line.length), 'dZ2');
  assert.equal(at(line.length + 1), undefined);
  assert.equal(at(-1), undefined);
  assert.equal(identifierAt('x = 1e3', 5), undefined, 'numbers are not names');
  assert.equal(identifierAt('σ(Z1)', 3)?.name, 'Z1');
});

test('completionsAt offers names, functions and vocabulary words', () => {
  const labels = (text: string, offset = text.length) => completionsAt(text, offset, env).items.map((c) => c.label);
  assert.deepEqual(labels('norm(W'), ['W1', 'W3']);
  assert.equal(completionsAt('norm(W', 6, env).from, 5);
  assert.deepEqual(labels('1 + e'), ['epoch']);
  assert.deepEqual(labels('sa'), ['saturation']);
  assert.deepEqual(labels('ne'), ['nearest']);
  assert.deepEqual(labels('tr'), ['true']);
  assert.deepEqual(labels('W1["c'), ['city']);
  assert.equal(completionsAt('W1["c', 5, env).from, 4);
  assert.deepEqual(labels("nearest('"), VOCAB);
  assert.deepEqual(labels('W1["city"] + c'), []);
  assert.deepEqual(labels('1e'), []);
  assert.ok(labels('').includes('dW3'));
  const kinds = new Map(completionsAt('', 0, env).items.map((c) => [c.label, c.kind]));
  assert.equal(kinds.get('W1'), 'tensor');
  assert.equal(kinds.get('loss'), 'scalar');
  assert.equal(kinds.get('norm'), 'function');
  assert.equal(kinds.get('predict'), 'function');
});

test('parseExpression keeps spans for every node', () => {
  const e = parseExpression('norm(W1["city"]) > 0.5');
  assert.equal(e.kind, 'binary');
  assert.equal(e.pos, 0);
  assert.equal(e.end, 22);
  if (e.kind !== 'binary' || e.left.kind !== 'call') assert.fail('shape of the tree');
  assert.deepEqual([e.left.pos, e.left.end], [0, 16]);
});

/** Fuzz: any input yields a value or an ExpressionError, never another exception. */
test('fuzz: 60k random strings, token sequences and expressions only ever raise ExpressionError', () => {
  const rng = new Rng(20240611);
  const TOKENS = [
    'W1', 'W3', 'b2', 'H', 'dW3', 'bad', 'epoch', 'loss', 'nosuch', 'constructor', '__proto__', 'toString',
    'norm', 'mean', 'std', 'min', 'max', 'sum', 'abs', 'nan', 'saturation', 'shape', 'predict', 'nearest',
    'true', 'false', '0', '1', '-1', '2', '3', '4', '1.5', '1e-3', '.5', '1e400', '-0',
    '"city"', '"york"', "'day'", '"cityy"', '"a city york"', '""', '"',
    '+', '-', '*', '/', '%', '<', '<=', '>', '>=', '==', '!=', '&&', '||', '!', '=', '&',
    '(', '(', ')', ')', '[', '[', ']', ']', ',', ':', '#', 'ᵀ', '\\', ' ',
  ];
  const CHARS = 'W1b2H3()[]:,.-+*/%<>=!&|"\' 0123456789eEacdnorm_\t\nΣᵀ·#\\';
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)];
  /** A random well-formed expression; many still fail on types, names or ranges. */
  const randomExpr = (depth: number): string => {
    const leaf = () => pick(['W1', 'W3', 'b2', 'H', 'bad', 'epoch', 'loss', 'step', '0', '1', '-1', '2', '3', '0.5', '"city"', '"york"', 'true', 'nosuch']);
    if (depth <= 0) return leaf();
    const sub = () => randomExpr(depth - 1 - rng.int(2));
    switch (rng.int(6)) {
      case 0:
        return `${sub()} ${pick(['+', '-', '*', '/', '%', '<', '<=', '>', '>=', '==', '!=', '&&', '||'])} ${sub()}`;
      case 1:
        return `${pick(['-', '!'])}${sub()}`;
      case 2:
        return `(${sub()})`;
      case 3:
        return `${pick(['norm', 'mean', 'std', 'min', 'max', 'sum', 'abs', 'nan', 'saturation', 'shape', 'predict', 'nearest'])}(${sub()})`;
      case 4: {
        const ix = () => pick([sub(), ':', `${sub()}:`, `:${sub()}`, `${sub()}:${sub()}`]);
        return `${pick(['W1', 'W3', 'b2', 'H', 'dW3', 'bad'])}[${rng.int(2) ? ix() : `${ix()}, ${ix()}`}]`;
      }
      default:
        return leaf();
    }
  };
  const randomText = (i: number): string => {
    if (i % 3 === 2) return randomExpr(1 + rng.int(5));
    if (i % 3 === 0) {
      const n = rng.int(40);
      return Array.from({ length: n }, () => TOKENS[rng.int(TOKENS.length)]).join(rng.int(2) ? ' ' : '');
    }
    const n = rng.int(60);
    return Array.from({ length: n }, () => (rng.int(20) === 0 ? String.fromCharCode(rng.int(0x10000)) : CHARS[rng.int(CHARS.length)])).join('');
  };
  let evaluated = 0;
  for (let i = 0; i < 60000; i++) {
    const text = randomText(i);
    try {
      const v = ev(text);
      assert.equal(typeof formatValue(v), 'string');
      evaluated++;
      try {
        isTruthy(v);
      } catch (err) {
        assert.ok(err instanceof ExpressionError, `isTruthy(${text}): ${String(err)}`);
      }
    } catch (err) {
      if (!(err instanceof ExpressionError)) assert.fail(`${JSON.stringify(text)} threw ${(err as Error)?.stack ?? String(err)}`);
      assert.ok(Number.isInteger(err.pos) && err.pos >= 0 && err.pos <= err.end && err.end <= text.length, `${JSON.stringify(text)}: span ${err.pos}..${err.end}`);
    }
    const col = rng.int(text.length + 2) - 1;
    completionsAt(text, col, env);
    identifierAt(text, col);
  }
  assert.ok(evaluated > 5000, `many inputs evaluate (${evaluated})`);
});
