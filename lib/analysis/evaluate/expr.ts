/**
 * A small, strict evaluator for the condition expressions Argo Rollouts evaluates with expr
 * (github.com/antonmedv/expr) in `utils/evaluate/evaluate.go` (v1.9.1). No JavaScript port of expr
 * exists, so this implements the subset our conditions and common hand-written conditions use:
 *
 * - literals: numbers, "strings" and 'strings', true, false, nil
 * - names: `result` and the functions upstream puts in the environment: len, isNaN, isInf, asInt,
 *   asFloat, isNil, default
 * - member access `a.b`, index `a[i]`, unary `!`/`not`/`-`, `* / %`, `+ -`, `== != < <= > >=`, `in`,
 *   `&&`/`and`, `||`/`or` (short-circuit, as expr compiles them), parentheses
 *
 * Strict like upstream: an unknown name, a type mismatch (`1 == "1"`), an index out of range, a
 * condition that is not a bool, or anything this subset does not parse is an {@link ExprError}; the
 * measurement is then an Error, never a silent pass. Derived from reading evaluate.go and
 * evaluate_test.go; no upstream code is copied.
 */

/** A parse or evaluation error; the measurement becomes an Error. */
export class ExprError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExprError';
  }
}

type Token =
  | { kind: 'num'; value: number; int: boolean }
  | { kind: 'str'; value: string }
  | { kind: 'name'; value: string }
  | { kind: 'op'; value: string }
  | { kind: 'eof' };

const OPS = ['&&', '||', '==', '!=', '<=', '>=', '<', '>', '!', '+', '-', '*', '/', '%', '(', ')', '[', ']', '.', ','];

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (/[0-9]/.test(c)) {
      const m = /^(?:[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)/.exec(src.slice(i))!;
      const text = m[0];
      if (/[A-Za-z_]/.test(src[i + text.length] ?? '')) throw new ExprError(`invalid number at ${i}: ${src.slice(i, i + text.length + 1)}`);
      out.push({ kind: 'num', value: Number(text), int: /^[0-9]+$/.test(text) });
      i += text.length;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let value = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\') {
          const n = src[j + 1];
          const esc: Record<string, string> = { n: '\n', t: '\t', '\\': '\\', '"': '"', "'": "'" };
          if (n === undefined || !(n in esc)) throw new ExprError(`unsupported escape at ${j}`);
          value += esc[n];
          j += 2;
        } else {
          value += src[j];
          j++;
        }
      }
      if (j >= src.length) throw new ExprError(`unterminated string at ${i}`);
      out.push({ kind: 'str', value });
      i = j + 1;
      continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(src.slice(i))!;
      out.push({ kind: 'name', value: m[0] });
      i += m[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new ExprError(`unexpected character ${JSON.stringify(c)} at ${i}`);
    out.push({ kind: 'op', value: op });
    i += op.length;
  }
  out.push({ kind: 'eof' });
  return out;
}

type Node =
  | { t: 'lit'; value: Value }
  | { t: 'name'; name: string }
  | { t: 'member'; object: Node; property: string }
  | { t: 'index'; object: Node; index: Node }
  | { t: 'call'; callee: string; args: Node[] }
  | { t: 'unary'; op: string; arg: Node }
  | { t: 'binary'; op: string; left: Node; right: Node };

/** An evaluated value: JSON-like, with ints and floats told apart as expr does. */
class Num {
  constructor(readonly num: number, readonly int: boolean) {}
}
type Value = null | boolean | string | Num | Value[] | { [k: string]: Value };

const BINARY_PRECEDENCE: Record<string, number> = {
  '||': 1, or: 1,
  '&&': 2, and: 2,
  '==': 3, '!=': 3, '<': 3, '<=': 3, '>': 3, '>=': 3, in: 3,
  '+': 4, '-': 4,
  '*': 5, '/': 5, '%': 5,
};

const FUNCTIONS = new Set(['len', 'isNaN', 'isInf', 'asInt', 'asFloat', 'isNil', 'default']);

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Node {
    const node = this.expression(0);
    const t = this.peek();
    if (t.kind !== 'eof') throw new ExprError(`unexpected token ${describe(t)}`);
    return node;
  }

  private peek(): Token { return this.tokens[this.pos]!; }
  private next(): Token { return this.tokens[this.pos++]!; }
  private expectOp(op: string): void {
    const t = this.next();
    if (t.kind !== 'op' || t.value !== op) throw new ExprError(`expected ${op}, got ${describe(t)}`);
  }

  private binaryOp(): string | undefined {
    const t = this.peek();
    if (t.kind === 'op' && t.value in BINARY_PRECEDENCE) return t.value;
    if (t.kind === 'name' && (t.value === 'and' || t.value === 'or' || t.value === 'in')) return t.value;
    return undefined;
  }

  private expression(minPrec: number): Node {
    let left = this.unary();
    for (;;) {
      const op = this.binaryOp();
      if (op === undefined) return left;
      const prec = BINARY_PRECEDENCE[op]!;
      if (prec <= minPrec) return left;
      this.next();
      const right = this.expression(prec);
      left = { t: 'binary', op: op === 'and' ? '&&' : op === 'or' ? '||' : op, left, right };
    }
  }

  private unary(): Node {
    const t = this.peek();
    if ((t.kind === 'op' && (t.value === '!' || t.value === '-' || t.value === '+')) || (t.kind === 'name' && t.value === 'not')) {
      this.next();
      return { t: 'unary', op: t.value === 'not' ? '!' : t.value, arg: this.unary() };
    }
    return this.postfix(this.primary());
  }

  private primary(): Node {
    const t = this.next();
    if (t.kind === 'num') return { t: 'lit', value: new Num(t.value, t.int) };
    if (t.kind === 'str') return { t: 'lit', value: t.value };
    if (t.kind === 'op' && t.value === '(') {
      const e = this.expression(0);
      this.expectOp(')');
      return e;
    }
    if (t.kind === 'name') {
      if (t.value === 'true' || t.value === 'false') return { t: 'lit', value: t.value === 'true' };
      if (t.value === 'nil') return { t: 'lit', value: null };
      const after = this.peek();
      if (after.kind === 'op' && after.value === '(') {
        if (!FUNCTIONS.has(t.value)) throw new ExprError(`unknown func ${t.value}`);
        this.next();
        const args: Node[] = [];
        if (!(this.peek().kind === 'op' && (this.peek() as { value: string }).value === ')')) {
          for (;;) {
            args.push(this.expression(0));
            const sep = this.peek();
            if (sep.kind === 'op' && sep.value === ',') { this.next(); continue; }
            break;
          }
        }
        this.expectOp(')');
        return { t: 'call', callee: t.value, args };
      }
      return { t: 'name', name: t.value };
    }
    throw new ExprError(`unexpected token ${describe(t)}`);
  }

  private postfix(node: Node): Node {
    for (;;) {
      const t = this.peek();
      if (t.kind === 'op' && t.value === '.') {
        this.next();
        const name = this.next();
        if (name.kind !== 'name') throw new ExprError(`expected a field name after ., got ${describe(name)}`);
        const after = this.peek();
        if (after.kind === 'op' && after.value === '(') throw new ExprError(`method calls are not supported (${name.value}())`);
        node = { t: 'member', object: node, property: name.value };
      } else if (t.kind === 'op' && t.value === '[') {
        this.next();
        const index = this.expression(0);
        this.expectOp(']');
        node = { t: 'index', object: node, index };
      } else {
        return node;
      }
    }
  }
}

function describe(t: Token): string {
  return t.kind === 'eof' ? 'end of expression' : JSON.stringify(String((t as { value: unknown }).value));
}

/** Converts a JSON-ish JavaScript value (a measurement result) to a {@link Value}. */
function toValue(v: unknown): Value {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return new Num(v, false);
  if (Array.isArray(v)) return v.map(toValue);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, toValue(x)]));
  throw new ExprError(`unsupported result type ${typeof v}`);
}

const isNum = (v: Value): v is Num => v instanceof Num;

function typeName(v: Value): string {
  if (v === null) return 'nil';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  if (isNum(v)) return v.int ? 'int' : 'float64';
  if (Array.isArray(v)) return 'array';
  return 'map';
}

function num(v: Value, what: string): number {
  if (!isNum(v)) throw new ExprError(`${what}: expected a number, got ${typeName(v)}`);
  return v.num;
}

function bool(v: Value, what: string): boolean {
  if (typeof v !== 'boolean') throw new ExprError(`${what}: expected bool, got ${typeName(v)}`);
  return v;
}

function equal(a: Value, b: Value): boolean {
  if (isNum(a) && isNum(b)) return a.num === b.num;
  if (a === null || b === null) return a === b;
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b) || isNum(a) !== isNum(b)) {
    throw new ExprError(`invalid operation: == (mismatched types ${typeName(a)} and ${typeName(b)})`);
  }
  if (typeof a === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}

function evaluate(node: Node, result: Value): Value {
  switch (node.t) {
    case 'lit':
      return node.value;
    case 'name':
      if (node.name === 'result') return result;
      throw new ExprError(`unknown name ${node.name}`);
    case 'member': {
      const o = evaluate(node.object, result);
      if (o === null || typeof o !== 'object' || Array.isArray(o) || isNum(o)) throw new ExprError(`cannot fetch ${node.property} from ${typeName(o)}`);
      // expr returns nil for a missing key of a map.
      return (o as Record<string, Value>)[node.property] ?? null;
    }
    case 'index': {
      const o = evaluate(node.object, result);
      const i = evaluate(node.index, result);
      if (Array.isArray(o)) {
        if (!isNum(i) || !Number.isInteger(i.num)) throw new ExprError(`array index must be an integer, got ${typeName(i)}`);
        const k = i.num < 0 ? o.length + i.num : i.num;
        if (k < 0 || k >= o.length) throw new ExprError(`index out of range: ${i.num} (array of length ${o.length})`);
        return o[k]!;
      }
      if (o !== null && typeof o === 'object' && !isNum(o) && typeof i === 'string') return (o as Record<string, Value>)[i] ?? null;
      throw new ExprError(`cannot index ${typeName(o)} with ${typeName(i)}`);
    }
    case 'call':
      return call(node.callee, node.args.map((a) => evaluate(a, result)));
    case 'unary': {
      const v = evaluate(node.arg, result);
      if (node.op === '!') return !bool(v, '!');
      const n = num(v, node.op);
      return new Num(node.op === '-' ? -n : n, (v as Num).int);
    }
    case 'binary': {
      if (node.op === '&&') return bool(evaluate(node.left, result), '&&') ? bool(evaluate(node.right, result), '&&') : false;
      if (node.op === '||') return bool(evaluate(node.left, result), '||') ? true : bool(evaluate(node.right, result), '||');
      const l = evaluate(node.left, result);
      const r = evaluate(node.right, result);
      switch (node.op) {
        case '==': return equal(l, r);
        case '!=': return !equal(l, r);
        case 'in':
          if (!Array.isArray(r)) throw new ExprError(`invalid operation: in (${typeName(r)} is not an array)`);
          return r.some((x) => { try { return equal(l, x); } catch { return false; } });
        case '<': case '<=': case '>': case '>=': {
          if (typeof l === 'string' && typeof r === 'string') return compare(node.op, l < r ? -1 : l > r ? 1 : 0);
          if (!isNum(l) || !isNum(r)) throw new ExprError(`invalid operation: ${node.op} (mismatched types ${typeName(l)} and ${typeName(r)})`);
          if (Number.isNaN(l.num) || Number.isNaN(r.num)) return false;
          return compare(node.op, l.num < r.num ? -1 : l.num > r.num ? 1 : 0);
        }
        default: {
          if (node.op === '+' && typeof l === 'string' && typeof r === 'string') return l + r;
          const a = num(l, node.op);
          const b = num(r, node.op);
          const int = (l as Num).int && (r as Num).int;
          switch (node.op) {
            case '+': return new Num(a + b, int);
            case '-': return new Num(a - b, int);
            case '*': return new Num(a * b, int);
            case '/': return new Num(a / b, false);
            case '%':
              if (!int) throw new ExprError('invalid operation: % (needs integers)');
              if (b === 0) throw new ExprError('integer divide by zero');
              return new Num(a % b, true);
          }
          throw new ExprError(`unknown operator ${node.op}`);
        }
      }
    }
  }
}

function compare(op: string, c: number): boolean {
  return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
}

function arity(name: string, args: Value[], n: number): void {
  if (args.length !== n) throw new ExprError(`${name}: expected ${n} argument(s), got ${args.length}`);
}

function call(name: string, args: Value[]): Value {
  switch (name) {
    case 'len': {
      arity(name, args, 1);
      const v = args[0]!;
      if (Array.isArray(v) || typeof v === 'string') return new Num(v.length, true);
      if (v !== null && typeof v === 'object' && !isNum(v)) return new Num(Object.keys(v).length, true);
      throw new ExprError(`invalid argument for len (type ${typeName(v)})`);
    }
    case 'isNaN':
      arity(name, args, 1);
      if (!isNum(args[0]!) || args[0].int) throw new ExprError(`isNaN: expected float64, got ${typeName(args[0]!)}`);
      return Number.isNaN(args[0].num);
    case 'isInf':
      arity(name, args, 1);
      if (!isNum(args[0]!) || args[0].int) throw new ExprError(`isInf: expected float64, got ${typeName(args[0]!)}`);
      return !Number.isFinite(args[0].num) && !Number.isNaN(args[0].num);
    case 'asInt': {
      arity(name, args, 1);
      const v = args[0]!;
      if (isNum(v)) return new Num(Math.trunc(v.num), true);
      if (typeof v === 'string' && /^[+-]?[0-9]+$/.test(v)) return new Num(Number(v), true);
      throw new ExprError(`asInt() not supported on ${typeName(v)} ${JSON.stringify(v)}`);
    }
    case 'asFloat': {
      arity(name, args, 1);
      const v = args[0]!;
      if (isNum(v)) return new Num(v.num, false);
      if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return new Num(Number(v), false);
      throw new ExprError(`strconv.ParseFloat: parsing ${JSON.stringify(v)}: invalid syntax`);
    }
    case 'isNil':
      arity(name, args, 0);
      throw new ExprError('isNil is not supported by this evaluator');
    default:
      throw new ExprError(`${name} is not supported by this evaluator`);
  }
}

/** A compiled condition. */
export interface Condition {
  readonly source: string;
  /** Evaluates against a measurement result; throws {@link ExprError} like upstream returns an error. */
  evaluate(result: unknown): boolean;
}

/** Parses a condition; throws {@link ExprError} when it does not parse. */
export function compileCondition(source: string): Condition {
  const ast = new Parser(tokenize(source)).parse();
  return {
    source,
    evaluate(result: unknown): boolean {
      const v = evaluate(ast, toValue(result));
      if (typeof v !== 'boolean') throw new ExprError(`expected bool, but got ${typeName(v)}`);
      return v;
    },
  };
}

/** Phases of one measurement, as upstream names them. */
export type MeasurementPhase = 'Successful' | 'Failed' | 'Inconclusive' | 'Error';

/**
 * The phase of one measurement, as upstream `EvaluateResult`: both conditions evaluated (an error in
 * either is an Error); without a failureCondition a false successCondition fails, without a
 * successCondition a false failureCondition succeeds; failure wins; neither is Inconclusive.
 */
export function evaluateResult(result: unknown, successCondition?: string, failureCondition?: string): { phase: MeasurementPhase; error?: string } {
  try {
    let success = false;
    let failure = false;
    if (successCondition) success = compileCondition(successCondition).evaluate(result);
    if (failureCondition) failure = compileCondition(failureCondition).evaluate(result);
    if (!successCondition && !failureCondition) return { phase: 'Successful' };
    if (successCondition && !failureCondition) failure = !success;
    if (!successCondition && failureCondition) success = !failure;
    if (failure) return { phase: 'Failed' };
    if (!success) return { phase: 'Inconclusive' };
    return { phase: 'Successful' };
  } catch (e) {
    if (e instanceof ExprError) return { phase: 'Error', error: e.message };
    throw e;
  }
}
