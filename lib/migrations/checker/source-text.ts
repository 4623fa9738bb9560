/**
 * Positions in one SQL file. The PostgreSQL parser reports statement and token locations in UTF-8
 * bytes but syntax-error cursors in characters (code points), and squawk reports 0-based lines with
 * byte columns; everything here converts to JavaScript string indices and then to the 1-based
 * `line:column` (column counted in characters) that editors and findings use.
 */
export class SourceText {
  private readonly bytes: Buffer;
  private readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    this.bytes = Buffer.from(text, 'utf8');
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1);
  }

  /** String index of a UTF-8 byte offset (locations in the parse tree and the scanner's tokens). */
  indexOfByte(byteOffset: number): number {
    return this.bytes.subarray(0, Math.max(0, byteOffset)).toString('utf8').length;
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
    const start = this.lineStarts[Math.min(Math.max(line, 0), this.lineStarts.length - 1)];
    const lineBytes = Buffer.from(this.text.slice(start), 'utf8').subarray(0, Math.max(0, byteColumn));
    return start + lineBytes.toString('utf8').length;
  }

  /** 1-based line and column of a string index. */
  position(index: number): { readonly line: number; readonly column: number } {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid] <= index) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: index - this.lineStarts[low] + 1 };
  }
}
