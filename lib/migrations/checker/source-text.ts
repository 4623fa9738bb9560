/**
 * Positions in one SQL file. The PostgreSQL parser reports statement and token locations in UTF-8
 * bytes but syntax-error cursors in characters (code points), and squawk reports 0-based lines with
 * byte columns; everything here converts to JavaScript string indices and then to the 1-based
 * `line:column` (column counted in characters) that editors and findings use.
 *
 * Every conversion is O(log n) or O(1) after one O(n) pass over the text: a 10 MB file has hundreds of
 * thousands of tokens, and a conversion that re-decodes the prefix for each made parsing quadratic.
 */
export class SourceText {
  private readonly lineStarts: number[] = [0];
  /** Byte offset of each string index that starts a code point (index → byte); sorted. */
  private readonly byteOfIndex: Uint32Array;
  /** UTF-8 length of the text. */
  readonly byteLength: number;

  constructor(readonly text: string) {
    const byteOfIndex = new Uint32Array(text.length + 1);
    let bytes = 0;
    for (let i = 0; i < text.length; i++) {
      byteOfIndex[i] = bytes;
      const unit = text.charCodeAt(i);
      if (unit === 0x0a) this.lineStarts.push(i + 1);
      if (unit < 0x80) bytes += 1;
      else if (unit < 0x800) bytes += 2;
      else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
        // A surrogate pair is one 4-byte code point; its low half maps to the same byte offset.
        byteOfIndex[i + 1] = bytes;
        bytes += 4;
        i++;
      } else bytes += 3;
    }
    byteOfIndex[text.length] = bytes;
    this.byteOfIndex = byteOfIndex;
    this.byteLength = bytes;
  }

  /** String index of a UTF-8 byte offset (locations in the parse tree and the scanner's tokens). */
  indexOfByte(byteOffset: number): number {
    const target = Math.min(Math.max(0, byteOffset), this.byteLength);
    // The last index whose byte offset is <= target (a byte inside a code point maps to its start).
    let low = 0;
    let high = this.text.length;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.byteOfIndex[mid]! <= target) low = mid;
      else high = mid - 1;
    }
    // Step back from the low half of a surrogate pair to its start.
    while (low > 0 && this.byteOfIndex[low - 1] === this.byteOfIndex[low]) low--;
    return low;
  }

  /** String index of a code point offset (the parser's error cursor). */
  indexOfCodePoint(codePoint: number): number {
    let index = 0;
    for (let seen = 0; seen < codePoint && index < this.text.length; seen++) {
      index += (this.text.codePointAt(index) ?? 0) > 0xffff ? 2 : 1;
    }
    return index;
  }

  /** String index of a 0-based line and a byte column within that line (squawk's JSON reporter). */
  indexOfLineByte(line: number, byteColumn: number): number {
    const start = this.lineStarts[Math.min(Math.max(line, 0), this.lineStarts.length - 1)]!;
    return this.indexOfByte(this.byteOfIndex[start]! + Math.max(0, byteColumn));
  }

  /** 1-based line and column of a string index. */
  position(index: number): { readonly line: number; readonly column: number } {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid]! <= index) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: index - this.lineStarts[low]! + 1 };
  }
}
