// Blocks of one size for what only some flows need, made on first use and zeroed. A flow keeps its
// block's index + 1 (0: none yet), not its address: the pool moves as it grows.
export class Pool {
  base: usize = 0;
  used: u32 = 0;
  cap: u32 = 0;

  constructor(public size: usize) {}

  // The address of block `index` (1-based).
  @inline at(index: u32): usize { return this.base + <usize>(index - 1) * this.size; }

  // A new zeroed block: its index (1-based).
  take(): u32 {
    if (this.used == this.cap) {
      this.cap = this.cap == 0 ? 256 : this.cap * 2;
      let bytes = <usize>this.cap * this.size;
      this.base = this.base == 0 ? heap.alloc(bytes) : heap.realloc(this.base, bytes);
    }
    let index = ++this.used;
    memory.fill(this.at(index), 0, this.size);
    return index;
  }

  // Every block free again, for the next capture (the memory is kept).
  reset(): void { this.used = 0; }
}
