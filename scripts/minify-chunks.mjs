#!/usr/bin/env node
// ncc minifies the main bundle but not the chunks it splits off for dynamic imports (here the
// GitHub client, loaded only when a PR comment is written). Minify those too, keeping their
// source maps, so that dist/ stays small.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { minify } from 'terser'

const dist = path.resolve(import.meta.dirname, '..', 'dist')
for (const file of readdirSync(dist).filter(f => /^\d+\.index\.js$/.test(f))) {
  const codePath = path.join(dist, file)
  const mapPath = `${codePath}.map`
  const code = readFileSync(codePath, 'utf8')
  const result = await minify(code, {
    module: true,
    compress: true,
    mangle: true,
    sourceMap: { content: readFileSync(mapPath, 'utf8'), url: `${file}.map` }
  })
  if (result.code === undefined || typeof result.map !== 'string')
    throw new Error(`terser failed on ${file}`)
  writeFileSync(codePath, result.code)
  writeFileSync(mapPath, result.map)
  console.log(`minified ${file}: ${code.length} -> ${result.code.length} bytes`)
}
