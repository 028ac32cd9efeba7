/**
 * HyperLogLog sketches for distinct counts (visitors, buyers) that merge across any window and scope.
 *
 * Precision p = 12: m = 4,096 one-byte registers, standard error 1.04/√m ≈ 1.6%, so 99.7% of
 * estimates fall within ±4.9% of the true count (and small counts, below ~10,000, use linear counting,
 * which is far tighter). Summing per-bucket distinct counts would overcount anyone seen twice; merging
 * sketches (register-wise max) does not, and merging is idempotent.
 *
 * Wire/storage format (shared with the SQL function peakops_hll_union in migrations/):
 *   dense  = exactly 4,096 bytes, byte i = register i;
 *   sparse = 3-byte entries (register high byte, low byte, value), fewer than 4,096 bytes in all.
 */
export const HLL_PRECISION = 12;
export const HLL_REGISTERS = 1 << HLL_PRECISION;
export const HLL_STANDARD_ERROR = 1.04 / Math.sqrt(HLL_REGISTERS);

/** murmur3 32-bit finaliser-based string hash; two seeds give the 64 bits HyperLogLog needs. */
function murmur3(text: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    let k = text.charCodeAt(i);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= text.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Register index and value for one item: index from 12 hash bits, value = position of the first 1-bit in the other 52. */
export function hllEntry(item: string): { register: number; value: number } {
  const high = murmur3(item, 0x9747b28c);
  const low = murmur3(item, 0x5bd1e995);
  const register = high >>> (32 - HLL_PRECISION);
  // The remaining 20 bits of `high` followed by 32 bits of `low`: 52 bits in all.
  const rest = (high << HLL_PRECISION) >>> 0;
  let value: number;
  if (rest !== 0) value = Math.clz32(rest) + 1;
  else value = low !== 0 ? 32 - HLL_PRECISION + Math.clz32(low) + 1 : 64 - HLL_PRECISION + 1;
  return { register, value };
}

/**
 * Register-wise max of dense sketches four registers at a time (every metrics read merges dozens of
 * 4 KB sketches; this is ~3× the byte loop). Register values are at most 64 - 12 + 1 = 53, so each
 * byte's top bit is free: (a | 0x80) - b stays within its byte and keeps its top bit exactly when
 * a ≥ b, which gives a per-byte mask choosing a or b.
 */
function mergeWords(into: Uint32Array, from: Uint32Array) {
  for (let i = 0; i < into.length; i++) {
    const a = into[i]!;
    const b = from[i]!;
    const aWins = (((a | 0x80808080) - b) & 0x80808080) >>> 7;
    const mask = aWins * 0xff;
    into[i] = (a & mask) | (b & ~mask);
  }
}

/** 2^-v for every possible register value, so estimating does no Math.pow. */
const INVERSE_POWERS = Float64Array.from({ length: 256 }, (_, v) => 2 ** -v);

/** A sketch being built or merged in memory: a dense register array. */
export class Hll {
  readonly registers = new Uint8Array(HLL_REGISTERS);
  /** The same registers four at a time, for the word-wise merge. */
  private readonly words = new Uint32Array(this.registers.buffer);

  add(item: string): this {
    const { register, value } = hllEntry(item);
    if (value > this.registers[register]!) this.registers[register] = value;
    return this;
  }

  /** Merges a stored sketch (dense or sparse bytes). Hot on every metrics read: keep it a tight loop. */
  merge(stored: Uint8Array | null | undefined): this {
    if (!stored || stored.length === 0) return this;
    const registers = this.registers;
    if (stored.length === HLL_REGISTERS) {
      if (stored.byteOffset % 4 === 0) {
        mergeWords(this.words, new Uint32Array(stored.buffer, stored.byteOffset, HLL_REGISTERS / 4));
        return this;
      }
      for (let i = 0; i < HLL_REGISTERS; i++) {
        const value = stored[i]!;
        if (value > registers[i]!) registers[i] = value;
      }
      return this;
    }
    for (let i = 0; i + 2 < stored.length; i += 3) {
      const register = (stored[i]! << 8) | stored[i + 1]!;
      const value = stored[i + 2]!;
      if (value > registers[register]!) registers[register] = value;
    }
    return this;
  }

  estimate(): number {
    let sum = 0;
    let zeros = 0;
    const registers = this.registers;
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const value = registers[i]!;
      sum += INVERSE_POWERS[value]!;
      if (value === 0) zeros++;
    }
    const m = HLL_REGISTERS;
    const alpha = 0.7213 / (1 + 1.079 / m);
    const raw = (alpha * m * m) / sum;
    // Linear counting is more accurate while many registers are still empty.
    if (raw <= 2.5 * m && zeros > 0) return Math.round(m * Math.log(m / zeros));
    return Math.round(raw);
  }

  /** The compact storage form: sparse while that is smaller than dense. */
  toBytes(): Uint8Array {
    let used = 0;
    for (let i = 0; i < HLL_REGISTERS; i++) if (this.registers[i]! > 0) used++;
    if (used * 3 >= HLL_REGISTERS) return this.registers.slice();
    const out = new Uint8Array(used * 3);
    let o = 0;
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const value = this.registers[i]!;
      if (value === 0) continue;
      out[o++] = i >>> 8;
      out[o++] = i & 0xff;
      out[o++] = value;
    }
    return out;
  }
}

/**
 * A sketch under construction that only remembers the registers it touched: an ingest batch
 * creates hundreds of small per-bucket sketches, and a dense 4 KB array for each would cost far
 * more than the few entries they hold. Produces the same stored bytes as Hll.toBytes().
 */
export class SparseHll {
  private readonly entries = new Map<number, number>();

  add(item: string): this {
    return this.addEntry(hllEntry(item));
  }

  /** For callers that add one item to several sketches: hash once. */
  addEntry({ register, value }: { register: number; value: number }): this {
    if (value > (this.entries.get(register) ?? 0)) this.entries.set(register, value);
    return this;
  }

  toBytes(): Uint8Array {
    // forEach, not for…of: no [register, value] array per entry (a batch writes thousands).
    if (this.entries.size * 3 >= HLL_REGISTERS) {
      const dense = new Uint8Array(HLL_REGISTERS);
      this.entries.forEach((value, register) => {
        dense[register] = value;
      });
      return dense;
    }
    const out = new Uint8Array(this.entries.size * 3);
    let o = 0;
    this.entries.forEach((value, register) => {
      out[o++] = register >>> 8;
      out[o++] = register & 0xff;
      out[o++] = value;
    });
    return out;
  }
}

/** A batch's sketch as the hex text its upsert's jsonb records carry (decoded by PostgreSQL's `decode(…, 'hex')`); null without one. */
export function sketchHex(sketch: SparseHll | null | undefined): string | null {
  return sketch ? Buffer.from(sketch.toBytes()).toString('hex') : null;
}
