/** Pure: policy documents as the report shows them, and a line diff of two of them. */
import { canonicalDocument } from '../policy.js'
import type { JsonValue } from '../types.js'
import { isObject } from '../util/json.js'

/**
 * The display form of a document: the project's canonical form, in which differences IAM
 * ignores do not show. A document it cannot read is shown as it is, with sorted keys.
 */
export function displayDocument(doc: JsonValue, partition = 'aws'): JsonValue {
  try {
    return canonicalDocument(doc, { partition })
  } catch {
    return sortKeys(doc)
  }
}

function sortKeys(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (!isObject(value)) return value
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map(k => [k, sortKeys(value[k] as JsonValue)])
  )
}

export function prettyJson(value: JsonValue): string {
  return JSON.stringify(value, null, 2)
}

/** Above this many line pairs the diff shows every line as removed and added. */
const MAX_DIFF_CELLS = 4_000_000

/** A unified diff of two texts, by lines, with three lines of context. */
export function unifiedDiff(a: string, b: string, nameA: string, nameB: string): string {
  const ops = diffLines(a.split('\n'), b.split('\n'))
  const context = 3
  const changed = ops.flatMap((op, k) => (op.kind === ' ' ? [] : [k]))
  const lines = [`--- ${nameA}`, `+++ ${nameB}`]
  let h = 0
  while (h < changed.length) {
    const first = changed[h] as number
    let last = first
    let k = h + 1
    // Changes closer than twice the context share one hunk.
    while (k < changed.length && (changed[k] as number) - last <= 2 * context + 1) {
      last = changed[k] as number
      k += 1
    }
    const hunk = ops.slice(Math.max(0, first - context), Math.min(ops.length, last + context + 1))
    const head = hunk[0] as DiffOp
    const oldCount = hunk.filter(o => o.kind !== '+').length
    const newCount = hunk.filter(o => o.kind !== '-').length
    const oldStart = oldCount === 0 ? head.a : head.a + 1
    const newStart = newCount === 0 ? head.b : head.b + 1
    lines.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`)
    lines.push(...hunk.map(o => `${o.kind}${o.text}`))
    h = k
  }
  return lines.join('\n')
}

interface DiffOp {
  kind: ' ' | '-' | '+'
  text: string
  /** Line index in the old and new text where this operation sits. */
  a: number
  b: number
}

/** Longest-common-subsequence line diff. */
function diffLines(x: string[], y: string[]): DiffOp[] {
  const n = x.length
  const m = y.length
  const ops: DiffOp[] = []
  if (n * m > MAX_DIFF_CELLS) {
    x.forEach((text, a) => ops.push({ kind: '-', text, a, b: 0 }))
    y.forEach((text, b) => ops.push({ kind: '+', text, a: n, b }))
    return ops
  }
  // lcs[i][j]: length of the LCS of x[i..] and y[j..], flattened.
  const lcs = new Uint32Array((n + 1) * (m + 1))
  const at = (i: number, j: number): number => lcs[i * (m + 1) + j] as number
  for (let i = n - 1; i >= 0; i -= 1) {
    for (let j = m - 1; j >= 0; j -= 1) {
      lcs[i * (m + 1) + j] =
        x[i] === y[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1))
    }
  }
  let i = 0
  let j = 0
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) {
      ops.push({ kind: ' ', text: x[i] as string, a: i, b: j })
      i += 1
      j += 1
    } else if (j < m && (i === n || at(i, j + 1) > at(i + 1, j))) {
      ops.push({ kind: '+', text: y[j] as string, a: i, b: j })
      j += 1
    } else {
      ops.push({ kind: '-', text: x[i] as string, a: i, b: j })
      i += 1
    }
  }
  return ops
}
