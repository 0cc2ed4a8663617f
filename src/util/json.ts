import type { JsonValue } from '../types.js'

/** A JSON object (not null, not an array). */
export function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
