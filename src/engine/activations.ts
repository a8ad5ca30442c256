// Hidden-layer nonlinearities. The backward pass is written in terms of the forward output H
// where that is cheaper (σ' = H(1−H), tanh' = 1−H²) and of Z otherwise.
import { FloatArray } from './tensor';

export type ActivationName = 'sigmoid' | 'tanh' | 'relu' | 'linear';
export const ACTIVATIONS: readonly ActivationName[] = ['sigmoid', 'tanh', 'relu', 'linear'];

export interface Activation {
  readonly name: ActivationName;
  /** The symbol used in the iteration document, e.g. σ. */
  readonly symbol: string;
  forward(z: FloatArray, h: FloatArray, count: number): void;
  /** dZ = dH ⊙ f'(Z), given Z and H = f(Z). */
  backward(z: FloatArray, h: FloatArray, dh: FloatArray, dz: FloatArray, count: number): void;
  /** Is this unit value saturated (gradient nearly zero)? Undefined for activations without saturation. */
  readonly saturated?: (h: number) => boolean;
}

const sigmoid: Activation = {
  name: 'sigmoid',
  symbol: 'σ',
  forward(z, h, count) {
    for (let i = 0; i < count; i++) h[i] = 1 / (1 + Math.exp(-z[i]));
  },
  backward(_z, h, dh, dz, count) {
    for (let i = 0; i < count; i++) dz[i] = dh[i] * h[i] * (1 - h[i]);
  },
  saturated: (h) => h < 0.01 || h > 0.99,
};

const tanh: Activation = {
  name: 'tanh',
  symbol: 'tanh',
  forward(z, h, count) {
    for (let i = 0; i < count; i++) h[i] = Math.tanh(z[i]);
  },
  backward(_z, h, dh, dz, count) {
    for (let i = 0; i < count; i++) dz[i] = dh[i] * (1 - h[i] * h[i]);
  },
  saturated: (h) => Math.abs(h) > 0.99,
};

const relu: Activation = {
  name: 'relu',
  symbol: 'relu',
  forward(z, h, count) {
    for (let i = 0; i < count; i++) h[i] = z[i] > 0 ? z[i] : 0;
  },
  backward(z, _h, dh, dz, count) {
    for (let i = 0; i < count; i++) dz[i] = z[i] > 0 ? dh[i] : 0;
  },
};

const linear: Activation = {
  name: 'linear',
  symbol: 'id',
  forward(z, h, count) {
    for (let i = 0; i < count; i++) h[i] = z[i];
  },
  backward(_z, _h, dh, dz, count) {
    for (let i = 0; i < count; i++) dz[i] = dh[i];
  },
};

const BY_NAME: Record<ActivationName, Activation> = { sigmoid, tanh, relu, linear };

export function activationByName(name: string): Activation {
  const a = BY_NAME[name as ActivationName];
  if (!a) throw new Error(`unknown activation "${name}" (expected one of ${ACTIVATIONS.join(', ')})`);
  return a;
}
