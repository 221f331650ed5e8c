/**
 * OTLP's AnyValue (an attribute's value) → plain JSON, for both encodings:
 * decoded protobuf hands int64 as a Long and bytes as a Uint8Array, OTLP
 * JSON int64 as a decimal string or a number and bytes as base64.
 *
 * A value nested deeper than an event's extra properties may hold comes
 * back undefined (the attribute is left out): the event keeps the
 * attribute's name at depth 1, so its value may hold containers two deep.
 */
import type { AttributeValue } from './trace-export.js';

/** containers an attribute's value may hold, itself included (an event's extra properties nest ≤ 3 levels) */
const VALUE_CONTAINERS = 2;

const INTEGER_TEXT = /^-?[0-9]+$/;

/** An AnyValue that is not one: thrown for OTLP JSON, whose values nobody type-checked before. */
export class MalformedValue extends Error {}

interface LongLike {
  toNumber(): number;
}

/** The value as JSON; null for an empty AnyValue; undefined when nested too deep to keep. */
export function anyValueToJson(value: unknown, containersLeft = VALUE_CONTAINERS): AttributeValue | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw new MalformedValue('a value must be an AnyValue object');
  const any = value as Record<string, unknown>;
  if (Object.hasOwn(any, 'stringValue')) return typed(any.stringValue, 'string', 'stringValue');
  if (Object.hasOwn(any, 'boolValue')) return typed(any.boolValue, 'boolean', 'boolValue');
  if (Object.hasOwn(any, 'intValue')) return integer(any.intValue);
  if (Object.hasOwn(any, 'doubleValue')) return double(any.doubleValue);
  if (Object.hasOwn(any, 'bytesValue')) return bytes(any.bytesValue);
  if (Object.hasOwn(any, 'arrayValue')) {
    if (containersLeft === 0) return undefined;
    const values = listOf(any.arrayValue, 'arrayValue');
    const array: AttributeValue[] = [];
    for (const item of values) {
      const json = anyValueToJson(item, containersLeft - 1);
      if (json === undefined) return undefined;
      array.push(json);
    }
    return array;
  }
  if (Object.hasOwn(any, 'kvlistValue')) {
    if (containersLeft === 0) return undefined;
    const object: Record<string, AttributeValue> = {};
    for (const entry of listOf(any.kvlistValue, 'kvlistValue')) {
      const { key, value: inner } = entry as { key?: unknown; value?: unknown };
      if (typeof key !== 'string') throw new MalformedValue('a kvlistValue key must be a string');
      const json = anyValueToJson(inner, containersLeft - 1);
      if (json === undefined) return undefined;
      Object.defineProperty(object, key, { value: json, enumerable: true, writable: true, configurable: true });
    }
    return object;
  }
  return null;
}

function typed<T extends 'string' | 'boolean'>(value: unknown, type: T, name: string): AttributeValue {
  if (typeof value !== type) throw new MalformedValue(`${name} must be a ${type}`);
  return value as AttributeValue;
}

function integer(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && INTEGER_TEXT.test(value)) return Number(value);
  if (typeof value === 'object' && value !== null && 'toNumber' in value) return (value as LongLike).toNumber();
  throw new MalformedValue('intValue must be an integer (a number or a decimal string)');
}

/** JSON has no NaN or infinity: such a double (proto3 JSON spells them "NaN", "Infinity") is kept as null. */
function double(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return null;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  throw new MalformedValue('doubleValue must be a number');
}

function bytes(value: unknown): string {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.length).toString('base64');
  if (typeof value === 'string') return value;
  throw new MalformedValue('bytesValue must be base64 text');
}

function listOf(container: unknown, name: string): unknown[] {
  if (typeof container !== 'object' || container === null) throw new MalformedValue(`${name} must be an object`);
  const values = (container as { values?: unknown }).values ?? [];
  if (!Array.isArray(values)) throw new MalformedValue(`${name}.values must be an array`);
  return values;
}
