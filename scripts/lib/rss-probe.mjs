// Loaded with `node --import` by the benchmark: writes the process's peak RSS (KiB) on exit.
import { writeFileSync } from 'node:fs'
import process from 'node:process'

const file = process.env.RSS_PROBE_FILE
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)))
