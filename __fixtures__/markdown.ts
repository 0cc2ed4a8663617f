/** Helpers for tests that read the rendered markdown as GitHub would. */

/** GFM splits a table row at every pipe not escaped by a backslash, code spans included. */
export function tableCells(row: string): string[] {
  const cells: string[] = []
  let cell = ''
  for (let i = 0; i < row.length; i += 1) {
    const c = row[i] as string
    if (c === '\\') {
      cell += c + (row[i + 1] ?? '')
      i += 1
    } else if (c === '|') {
      cells.push(cell)
      cell = ''
    } else cell += c
  }
  cells.push(cell)
  return cells
}
