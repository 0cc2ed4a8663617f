// `npm run demo`: the bundled action against a local IAM server (moto), no AWS account needed.
// Creates a drifted ecsServiceRole, runs dist/index.js in audit mode the way the GitHub runner
// would, and prints the job summary and the outputs. Needs python3 with moto's server.
import process from 'node:process'
import { existsSync } from 'node:fs'
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam'
import { startMoto } from './lib/moto.mjs'
import { DIST_ENTRY, runAction } from './lib/run-action.mjs'

// The SDK warns that Node 20 support ends in 2027; this script runs on whatever Node is at hand.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

const ROLE_NAME = 'ecsServiceRole'

/** Drift, as found in the wild: EC2 may assume the role, an inline policy, no managed policy. */
const DRIFTED_TRUST_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: ['ecs.amazonaws.com', 'ec2.amazonaws.com'] },
      Action: 'sts:AssumeRole'
    }
  ]
}
const INLINE_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: '*' }]
}

const bold = text => (process.stdout.isTTY ? `\u001b[1m${text}\u001b[0m` : text)
const rule = title => `\n${bold(`──── ${title} ${'─'.repeat(Math.max(0, 72 - title.length))}`)}\n`

/** @type {import('./lib/moto.d.mts').MotoServer | undefined} */
let moto

async function stopMoto() {
  const server = moto
  moto = undefined
  if (server) await server.stop()
}

for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: stopping moto\n`)
    stopMoto().finally(() => process.exit(130))
  })
}

async function main() {
  if (!existsSync(DIST_ENTRY)) {
    throw new Error(`${DIST_ENTRY} does not exist: run \`npm run build\` first.`)
  }

  process.stdout.write('Starting moto (a local IAM server)… ')
  moto = await startMoto()
  process.stdout.write(`${moto.endpoint}\n`)

  const iam = new IAMClient({
    endpoint: moto.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }
  })
  try {
    await iam.send(
      new CreateRoleCommand({
        RoleName: ROLE_NAME,
        AssumeRolePolicyDocument: JSON.stringify(DRIFTED_TRUST_POLICY)
      })
    )
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: ROLE_NAME,
        PolicyName: 'deploy-bucket-access',
        PolicyDocument: JSON.stringify(INLINE_POLICY)
      })
    )
  } finally {
    iam.destroy()
  }
  console.log(
    `Created a drifted ${ROLE_NAME}: ec2.amazonaws.com may also assume it, it has an inline\n` +
      'policy, and service-role/AmazonEC2ContainerServiceRole is not attached.'
  )

  console.log(`\nRunning node dist/index.js with mode: audit …`)
  const result = await runAction({ endpoint: moto.endpoint, inputs: { mode: 'audit' } })

  console.log(rule('Job summary (GITHUB_STEP_SUMMARY, markdown)'))
  console.log(result.summary.trim() || '(empty)')

  console.log(rule('Outputs (GITHUB_OUTPUT)'))
  for (const [name, value] of Object.entries(result.outputs)) {
    console.log(`${bold(name)}: ${pretty(value)}`)
  }

  console.log(rule('Annotations'))
  if (result.annotations.length === 0) console.log('(none)')
  for (const annotation of result.annotations) {
    const title = annotation.title ? `${annotation.title}: ` : ''
    console.log(`${annotation.level}  ${title}${annotation.message}`)
  }

  console.log(rule('Result'))
  console.log(`exit code ${String(result.code)} in ${Math.round(result.durationMs)} ms`)
  if (result.code !== 0) {
    console.log(
      `\n--- action stdout ---\n${result.stdout}\n--- action stderr ---\n${result.stderr}`
    )
  }
  return result.code === 0 ? 0 : 1
}

/**
 * A JSON output indented, anything else as is.
 * @param {string} value
 */
function pretty(value) {
  if (!/^[[{]/.test(value)) return value
  try {
    return `\n${JSON.stringify(JSON.parse(value), null, 2)}`
  } catch {
    return value
  }
}

let exitCode = 1
try {
  exitCode = await main()
} catch (error) {
  console.error(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}`)
} finally {
  await stopMoto()
}
process.exit(exitCode)
