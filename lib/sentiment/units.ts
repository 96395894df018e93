/**
 * A reusable copy of a string's UTF-16 code units, for the hand-written scans of the tokenizer and
 * language ID. They read each character several times, and a typed-array read is about twice as
 * cheap as `charCodeAt`, which must unwrap sliced, concatenated and two-byte strings on every call;
 * the copy itself is one native write.
 */
import { Buffer } from 'node:buffer';

/**
 * Returns `load(s)`: the code units of `s` in a buffer reused by the next call, followed by two
 * zero code units so that look-aheads just past the end read 0 instead of stale text. Each caller
 * module makes its own reader, so one scan never overwrites another's text.
 *
 * Everything `load` reads is local to this function, not module-level: esbuild turns top-level
 * `const` into `var`, which V8 re-reads from a mutable slot on every call (issue #3).
 */
function createUnitReader(): (s: string) => Uint16Array {
  /** Uint16Array reads native byte order and the native copy writes little-endian. */
  const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  let bytes = Buffer.alloc(1024);
  let units = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length >> 1);
  return function load(s: string): Uint16Array {
    const n = s.length;
    if (units.length < n + 2) {
      let size = units.length;
      while (size < n + 2) size *= 2;
      bytes = Buffer.alloc(size * 2);
      units = new Uint16Array(bytes.buffer, bytes.byteOffset, size);
    }
    if (LITTLE_ENDIAN) bytes.write(s, 0, 'utf16le');
    else for (let k = 0; k < n; k++) units[k] = s.charCodeAt(k);
    units[n] = 0;
    units[n + 1] = 0;
    return units;
  };
}

export { createUnitReader };
