/** The action's entry point. */
import module from 'node:module'
import { run } from './main.js'

// Node 22+ keeps compiled code of the bundle's chunks on disk between runs on one machine (a
// self-hosted runner); Node 20 has no such cache and goes on without it.
;(module as { enableCompileCache?: () => unknown }).enableCompileCache?.()

await run()
