// The exercise mode's tensor language: NumPy semantics (broadcasting, @, .T, axes), its functions,
// errors that point at the token, its limits, and a fuzz test: any text gives a value or an
// ExerciseError, never another exception.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluate, Env } from '../../src/engine/exercise/evaluator';
import { ExerciseError } from '../../src/engine/exercise/exerciseError';
import { Arena } from '../../src/engine/exercise/arena';
import { Matrix, MAX_ELEMENTS, withArena } from '../../src/engine/exercise/matrix';
import { jsKernels } from '../../src/engine/kernels';
import { MAX_DEPTH, parseExpression, parseLine } from '../../src/engine/exercise/parser';
import { MAX_LINE_LENGTH } from '../../src/engine/exercise/lexer';
import { Rng } from '../../src/engine/rng';

function m(rows: number, cols: number, values: number[]): Matrix {
  return { rows, cols, data: Float64Array.from(values) };
}

const ENV: Env = new Map([
  ['A', m(2, 3, [1, 2, 3, 4, 5, 6])],
  ['B', m(3, 2, [1, 0, 0, 1, 1, 1])],
  ['b', m(1, 3, [10, 20, 30])],
  ['c', m(2, 1, [100, 200])],
  ['ids', m(3, 1, [1, 0, 1])],
  ['W', m(2, 2, [1, 2, 3, 4])],
  ['V', m(1, 1, [4])],
]);

function run(text: string): Matrix {
  return evaluate(parseExpression(text), ENV);
}

function values(text: string): number[] {
  return [...run(text).data];
}

function fails(text: string, column: number, message: RegExp): void {
  assert.throws(
    () => run(text),
    (e: unknown) => e instanceof ExerciseError && e.line === 1 && e.column === column && message.test(e.problem),
    text,
  );
}

test('operators follow NumPy: @ and * bind tighter than + and -, .T tighter than unary minus', () => {
  assert.deepEqual(values('A @ B'), [4, 5, 10, 11]);
  assert.deepEqual([run('A.T').rows, run('A.T').cols], [3, 2]);
  assert.deepEqual(values('A.T'), [1, 4, 2, 5, 3, 6]);
  assert.deepEqual(values('1 + 2 * 3 - 4 / 2'), [5]);
  assert.deepEqual(values('-W.T'), [-1, -3, -2, -4]);
  assert.deepEqual(values('(1 - 2) * W'), [-1, -2, -3, -4]);
  assert.deepEqual(values('2 * -W'), [-2, -4, -6, -8]);
  assert.deepEqual(values('W - 1 - 1'), [-1, 0, 1, 2], 'left-associative');
  assert.deepEqual(values('1.5e1 + .5'), [15.5]);
  assert.deepEqual(values('W − 1'), [0, 1, 2, 3], 'a typographic minus reads as "-"');
});

test('a product reads a transposed factor as it is; on kernels it multiplies in float32; an arena reuses its arrays', () => {
  // Every way of writing one product gives the product of the transposes made first.
  for (const [text, explicit] of [
    ['A.T @ A', '(A.T + 0) @ A'],
    ['A @ A.T', 'A @ (A.T + 0)'],
    ['B.T @ A.T', '(B.T + 0) @ (A.T + 0)'],
    ['A.T.T @ B', 'A @ B'],
  ]) {
    assert.deepEqual(values(text), values(explicit), text);
    assert.deepEqual(values(text), [...evaluate(parseExpression(text), ENV, jsKernels).data], `${text} in float32`);
  }
  fails('A.T @ B', 5, /cannot multiply 3×2 @ 3×2.*left one transposed, 2×3, would fit/);
  // Float32 products round where float64 ones do not.
  const fine: Env = new Map([['x', m(1, 1, [1 + 1e-12])]]);
  assert.equal(evaluate(parseExpression('x @ x'), fine).data[0], (1 + 1e-12) ** 2);
  assert.equal(evaluate(parseExpression('x @ x'), fine, jsKernels).data[0], 1);
  // The second run in an arena hands out the first run's arrays again, with the same values.
  const arena = new Arena(jsKernels);
  const once = () => {
    arena.reset();
    return withArena(arena, () => evaluate(parseExpression('softmax(A @ B + 1) * 2 - A @ B'), ENV, jsKernels));
  };
  const first = once();
  const kept = [...first.data];
  const second = once();
  assert.equal(second.data.buffer, first.data.buffer, 'the same memory');
  assert.deepEqual([...second.data], kept);
});

test('element-wise operators broadcast a row over a batch and a column across columns', () => {
  assert.deepEqual(values('A + b'), [11, 22, 33, 14, 25, 36]);
  assert.deepEqual(values('A * c'), [100, 200, 300, 800, 1000, 1200]);
  assert.deepEqual(values('b + c'), [110, 120, 130, 210, 220, 230]);
  fails('A + W', 3, /cannot broadcast 2×3 \+ 2×2/);
});

test('functions: activations, softmax by rows, onehot, sums and means by axis, rows, scatter_add, concat, slice', () => {
  assert.deepEqual(values('relu(W - 2)'), [0, 0, 1, 2]);
  assert.deepEqual(values('step(W - 2)'), [0, 0, 1, 1]);
  assert.ok(Math.abs(run('sigmoid(0)').data[0] - 0.5) < 1e-15);
  const s = run('softmax(A)');
  for (let i = 0; i < 2; i++) assert.ok(Math.abs(s.data[i * 3] + s.data[i * 3 + 1] + s.data[i * 3 + 2] - 1) < 1e-12);
  assert.ok(Math.abs(s.data[0] - s.data[3]) < 1e-12, 'softmax is per row (rows differ by a constant)');
  assert.deepEqual(values('onehot(ids, V)'), [0, 1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0]);
  assert.deepEqual([run('sum(A, 0)').rows, run('sum(A, 0)').cols], [1, 3]);
  assert.deepEqual(values('sum(A, 0)'), [5, 7, 9]);
  assert.deepEqual(values('sum(A, 1)'), [6, 15]);
  assert.deepEqual(values('mean(A, 1)'), [2, 5]);
  assert.deepEqual(values('sum(A)'), [21]);
  assert.deepEqual(values('rows(W, ids)'), [3, 4, 1, 2, 3, 4]);
  assert.deepEqual(values('scatter_add(W, ids, B)'), [0, 1, 2, 1]);
  assert.deepEqual(values('concat(A, c, A)'), [1, 2, 3, 100, 1, 2, 3, 4, 5, 6, 200, 4, 5, 6]);
  assert.deepEqual(values('slice(A, 1, 3)'), [2, 3, 5, 6]);
  assert.deepEqual(values('log(exp(W))'), [1, 2, 3, 4]);
});

test('errors point at the token and say what was expected', () => {
  fails('A @ W', 3, /cannot multiply 2×3 @ 2×2.*left one transposed, 3×2, would fit/);
  fails('A + Q', 5, /unknown name Q; the names here are A, B/);
  fails('foo(A)', 1, /unknown function foo; the functions are sigmoid/);
  fails('sum(A, 2)', 8, /expected the axis 0 \(over rows, gives one row\) or 1/);
  fails('sum(A, 0, 1)', 1, /sum takes 1 or 2 arguments: sum\(X, axis\)/);
  fails('softmax', 1, /softmax is a function: write softmax\(X\)/);
  fails('onehot(A, V)', 8, /expected the ids as one column of ids, got 2×3/);
  fails('rows(W, ids + 5)', 13, /expected row ids of a 2×2 tensor to hold whole numbers from 0 to 1, found 6/);
  fails('slice(A, 0, 4)', 13, /expected an end from 1 to 3, got 4/);
  fails('(A + b', 7, /expected "\)" to close the "\(", got the end of the line/);
  fails('A + b)', 6, /unmatched "\)"/);
  fails('A b', 3, /expected an operator \(\+ - \* \/ @\) or the end of the line, got "b"/);
  fails('A + * b', 5, /expected a number, a tensor name, a function call or "\(", got "\*"/);
  fails('A.x', 2, /unexpected character "\." \(only \.T/);
  fails('A $ b', 3, /unexpected character "\$"/);
  fails('sum(A, 0.5)', 8, /expected the axis 0 or 1 \(a whole number\), got 0.5/);
});

test('a line is NAME = EXPRESSION, a blank right side or a comment; its errors carry the line number', () => {
  assert.equal(parseLine('   # only a comment', 4), undefined);
  assert.equal(parseLine('', 4), undefined);
  const blank = parseLine('dW3 =   # M×V', 7)!;
  assert.equal(blank.name, 'dW3');
  assert.equal(blank.expr, undefined);
  assert.equal(parseLine('dW3 = H.T @ dZ2', 7)!.expr?.kind, 'binary');
  assert.throws(() => parseLine('dW3 H.T', 9), (e: unknown) => e instanceof ExerciseError && e.line === 9 && e.column === 5 && /expected "=" after dW3/.test(e.problem));
  assert.throws(() => parseLine('= H', 2), (e: unknown) => e instanceof ExerciseError && e.column === 1 && /expected a tensor name at the start/.test(e.problem));
});

test('limits: line length, nesting depth and the size of a value', () => {
  assert.throws(() => parseLine('x = ' + '1 + '.repeat(MAX_LINE_LENGTH) + '1', 1), (e: unknown) => e instanceof ExerciseError && /longer than/.test(e.problem));
  const deep = '('.repeat(MAX_DEPTH + 1) + '1' + ')'.repeat(MAX_DEPTH + 1);
  assert.throws(() => parseExpression(deep), (e: unknown) => e instanceof ExerciseError && /nested more than/.test(e.problem));
  const minus = '-'.repeat(MAX_DEPTH + 2) + '1';
  assert.throws(() => parseExpression(minus), (e: unknown) => e instanceof ExerciseError && /nested more than/.test(e.problem));
  assert.deepEqual([...evaluate(parseExpression('('.repeat(MAX_DEPTH) + '1' + ')'.repeat(MAX_DEPTH)), ENV).data], [1]);
  const big: Env = new Map([['col', m(4096, 1, new Array(4096).fill(1))]]);
  assert.throws(() => evaluate(parseExpression('col @ col.T'), big), (e: unknown) => e instanceof ExerciseError && e.column === 5 && new RegExp(`more than the ${MAX_ELEMENTS}`).test(e.problem));
  assert.throws(() => evaluate(parseExpression('onehot(1, 99999999)'), big), (e: unknown) => e instanceof ExerciseError && /more than/.test(e.problem));
});

test('fuzz: random text only ever gives a value or an ExerciseError', () => {
  const rng = new Rng(14);
  const pieces = ['A', 'B', 'b', 'c', 'W', 'ids', 'V', 'Q', '1', '0', '2.5', '1e400', '-', '+', '*', '/', '@', '.T', '.', '(', ')', ',', '=', ' ', '#',
    'sum(', 'mean(', 'softmax(', 'onehot(', 'rows(', 'scatter_add(', 'concat(', 'slice(', 'log(', 'exp(', 'relu(', '−', '$', 'é', '\t', '1..2', 'T'];
  let values = 0;
  for (let i = 0; i < 20000; i++) {
    const length = 1 + rng.int(12);
    let text = '';
    for (let j = 0; j < length; j++) text += pieces[rng.int(pieces.length)];
    try {
      const line = parseLine(i % 2 === 0 ? `x = ${text}` : text, 1);
      if (line?.expr) {
        evaluate(line.expr, ENV);
        values++;
      }
    } catch (e) {
      if (!(e instanceof ExerciseError)) assert.fail(`${JSON.stringify(text)} threw ${String(e)}`);
      assert.ok(e.column >= 1 && e.column <= text.length + 5, `${JSON.stringify(text)}: column ${e.column}`);
    }
  }
  assert.ok(values > 100, `some random lines are valid (${values})`);
});
