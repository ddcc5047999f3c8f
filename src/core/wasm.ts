// Instantiates the core from its bytes. The browser fetches them, Node reads them from disk; from
// here on both use the same exports.

export interface CoreExports {
  memory: WebAssembly.Memory;
  begin(packets: number, depth: number): void;
  inputPtr(): number;
  inputSpace(): number;
  push(n: number): number;
  end(): void;
  packetsPtr(): number;
  packetsLen(): number;
  warningsPtr(): number;
  warningsLen(): number;
  warningsDropped(): number;
  drain(): void;
  summary(): number;
  flowsPtr(): number;
  flowsLen(): number;
  flowSize(): number;
  tcpPtr(): number;
  tcpSize(): number;
  /** The pool of ended Zeek connections (assembly/analysis/zeek.ts); it moves as it grows. */
  zeekDonePtr(): number;
  /** The pool of TcpExtra blocks (assembly/analysis/tcp-flow.ts); it moves as it grows. */
  tcpExtrasPtr(): number;
  tcpExtraSize(): number;
  packetSize(): number;
  countsPtr(): number;
  countsLength(): number;
  linksPtr(): number;
  linksLength(): number;
  warningText(code: number): number;
}

export async function instantiate(source: BufferSource | WebAssembly.Module): Promise<CoreExports> {
  const imports = {
    env: {
      abort(_msg: number, _file: number, line: number, column: number): never {
        throw new Error(`seqack core aborted at ${line}:${column}`);
      },
    },
  };
  const instance = source instanceof WebAssembly.Module
    ? await WebAssembly.instantiate(source, imports)
    : (await WebAssembly.instantiate(source, imports)).instance;
  return instance.exports as unknown as CoreExports;
}
