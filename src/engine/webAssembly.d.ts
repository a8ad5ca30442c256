// The part of the WebAssembly JS API the engine uses. TypeScript declares WebAssembly only in its
// DOM library, and the engine is compiled without DOM types (src/engine/tsconfig.json) so that it
// cannot reach for a browser API by accident; Node.js provides these globals.
declare namespace WebAssembly {
  interface MemoryDescriptor {
    initial: number;
    maximum?: number;
    shared?: boolean;
  }
  class Memory {
    constructor(descriptor: MemoryDescriptor);
    readonly buffer: ArrayBuffer | SharedArrayBuffer;
    grow(delta: number): number;
  }
  class Module {
    constructor(bytes: ArrayBufferView | ArrayBuffer);
  }
  class Global {
    value: number;
  }
  type Imports = Record<string, Record<string, Memory | Global | ((...args: number[]) => number | void)>>;
  class Instance {
    constructor(module: Module, imports?: Imports);
    readonly exports: Record<string, unknown>;
  }
  function validate(bytes: ArrayBufferView | ArrayBuffer): boolean;
}
