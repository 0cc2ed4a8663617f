#!/usr/bin/env node
// `npm run bench`: how fast one full `enforce` run of the bundled action is, as the runner runs
// it, against moto behind a latency-injecting proxy on 127.0.0.1. It measures, side by side:
// bare `node -e 0`, the action at 0 ms added latency (median wall time and the ratio), the
// added time at LATENCY ms per request expressed in round trips (with and without
// allowed-account-ids), IAM/STS requests per run, peak RSS and the bundle size.
// A benchmark, not a test: it asserts nothing about time. `--json FILE` writes the figures.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import process from 'node:process'
import { pathToFileURL } from 'node:url'
import { AttachRolePolicyCommand, CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam'
import { startMoto } from './lib/moto.mjs'
import { startProxy } from './lib/proxy.mjs'
import { DIST_ENTRY, REPO_ROOT, runAction } from './lib/run-action.mjs'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
const args = process.argv.slice(2)
const option = (name, fallback) => {
  const i = args.indexOf(name)
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback
}
const RUNS = Number(option('--runs', '15'))
const LATENCY = Number(option('--latency', '100'))
const jsonFile = option('--json', undefined)
// Another build of the action (e.g. an older dist/ checked out elsewhere), to compare side by side.
const entry = path.resolve(option('--entry', DIST_ENTRY))

const median = values => {
  const s = [...values].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

/** The environment the action runs in (runAction starts from PATH and HOME): bare node gets the same. */
const CLEAN_ENV = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }

/** Wall times of `node ...args` in the clean environment (what the runner's start costs). */
function timeNode(args, env = {}) {
  const times = []
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint()
    spawnSync(process.execPath, args, { env: { ...CLEAN_ENV, ...env } })
    times.push(Number(process.hrtime.bigint() - started) / 1e6)
  }
  return times
}

const probe = pathToFileURL(path.join(REPO_ROOT, 'scripts/lib/rss-probe.mjs')).href
const rssDir = mkdtempSync(path.join(os.tmpdir(), 'ecs-role-guard-bench-'))

async function runs(proxy, inputs, count, withProbe = false) {
  const times = []
  const requests = []
  const rss = []
  for (let i = 0; i < count; i++) {
    proxy.reset()
    const rssFile = path.join(rssDir, `rss-${i}`)
    const result = await runAction({
      entry,
      endpoint: proxy.endpoint,
      inputs: { mode: 'enforce', comment: 'never', ...inputs },
      env: {
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...(withProbe ? { NODE_OPTIONS: `--import ${probe}`, RSS_PROBE_FILE: rssFile } : {})
      }
    })
    if (result.code !== 0 || result.outputs.status !== 'compliant') {
      throw new Error(
        `the action did not find the role compliant (exit ${result.code}):\n${result.stdout}\n${result.stderr}`
      )
    }
    times.push(result.durationMs)
    requests.push(proxy.requests.length)
    if (withProbe) rss.push(Number(readFileSync(rssFile, 'utf8')) / 1024)
  }
  return { times, requests, rss }
}

function bundleBytes() {
  const dir = path.dirname(entry)
  return readdirSync(dir)
    .filter(f => f.endsWith('.js') || f.endsWith('.cjs'))
    .reduce((sum, f) => sum + statSync(path.join(dir, f)).size, 0)
}

const moto = await startMoto()
const proxy = await startProxy({ target: moto.endpoint })
try {
  const iam = new IAMClient({
    endpoint: moto.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }
  })
  await iam.send(
    new CreateRoleCommand({
      RoleName: 'ecsServiceRole',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'ecs.amazonaws.com' }, Action: 'sts:AssumeRole' }
        ]
      })
    })
  )
  await iam.send(
    new AttachRolePolicyCommand({
      RoleName: 'ecsServiceRole',
      PolicyArn: 'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceRole'
    })
  )

  await runs(proxy, {}, 2) // warm moto and the file cache
  const bare = median(timeNode(['-e', '0']))
  // What configure-aws-credentials is measured on: the time to print a first input error.
  const inputError = median(timeNode([entry], { INPUT_MODE: 'not-a-mode' }))
  const zero = await runs(proxy, {}, RUNS, true)
  proxy.setLatency(LATENCY)
  const slow = await runs(proxy, {}, Math.max(5, Math.ceil(RUNS / 2)))
  const guarded = await runs(
    proxy,
    { 'allowed-account-ids': '123456789012' },
    Math.max(5, Math.ceil(RUNS / 2))
  )
  const zeroMs = median(zero.times)
  const figures = {
    node: process.version,
    runs: RUNS,
    bareNodeMs: Math.round(bare),
    verifyMs: Math.round(zeroMs),
    ratioToBareNode: Number((zeroMs / bare).toFixed(2)),
    inputErrorMs: Math.round(inputError),
    inputErrorRatio: Number((inputError / bare).toFixed(2)),
    latencyMs: LATENCY,
    addedRoundTrips: Number(((median(slow.times) - zeroMs) / LATENCY).toFixed(2)),
    addedRoundTripsWithAccountGuard: Number(
      ((median(guarded.times) - zeroMs) / LATENCY).toFixed(2)
    ),
    requestsPerRun: median(zero.requests),
    requestsPerRunWithAccountGuard: median(guarded.requests),
    peakRssMiB: Number(median(zero.rss).toFixed(1)),
    bundleBytes: bundleBytes()
  }
  console.log(
    `bench: verify ${figures.verifyMs} ms vs bare node ${figures.bareNodeMs} ms (x${figures.ratioToBareNode}); ` +
      `input error ${figures.inputErrorMs} ms (x${figures.inputErrorRatio}); ` +
      `+${figures.addedRoundTrips} round trips at ${LATENCY} ms (+${figures.addedRoundTripsWithAccountGuard} with allowed-account-ids); ` +
      `${figures.requestsPerRun} requests/run; peak RSS ${figures.peakRssMiB} MiB; dist ${(figures.bundleBytes / 1e6).toFixed(2)} MB (${figures.node}, ${RUNS} runs, medians)`
  )
  if (jsonFile) writeFileSync(jsonFile, JSON.stringify(figures, null, 2) + '\n')
} finally {
  await proxy.stop()
  await moto.stop()
}
