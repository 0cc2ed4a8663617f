// A stand-in for dist/index.js used by harness.test.ts: it reports what it was given the way
// @actions/core would, so the harness can be tested without the real action.
import { appendFileSync, readFileSync } from 'node:fs'
import process from 'node:process'

const env = process.env
const delimiter = 'ghadelimiter_8a3c1f0e-0000-4000-8000-000000000000'
const setOutput = (name, value) =>
  appendFileSync(env.GITHUB_OUTPUT, `${name}<<${delimiter}\n${value}\n${delimiter}\n`)

if (env['INPUT_SLEEP-MS']) {
  await new Promise(resolve => setTimeout(resolve, Number(env['INPUT_SLEEP-MS'])))
}
const visible = Object.keys(env)
  .filter(name => /^(AWS_|GITHUB_|INPUT_|RUNNER_|NODE_OPTIONS$|HARNESS_LEAK)/.test(name))
  .sort()
setOutput('env', JSON.stringify(Object.fromEntries(visible.map(name => [name, env[name]]))))
setOutput('multi-line', 'first\nsecond')
appendFileSync(env.GITHUB_OUTPUT, 'simple=a=b\n')
setOutput('event', readFileSync(env.GITHUB_EVENT_PATH, 'utf8'))
setOutput('cwd', process.cwd())
appendFileSync(env.GITHUB_STEP_SUMMARY, '## Fake summary\n')
process.stdout.write('::debug::not an annotation\n')
process.stdout.write(
  '::error title=Role%3A ecsServiceRole%2C drifted::line one%0Aline two 100%25\n'
)
process.stdout.write('::warning::just a warning\n')
process.stdout.write('::notice title=Note::a notice\n')
process.stderr.write('to stderr\n')
process.exitCode = Number(env['INPUT_EXIT-CODE'] || '0')
