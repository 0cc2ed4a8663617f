/**
 * Tests of the harness itself (scripts/lib): moto starts and answers the SDK, and runAction
 * gives a script what the GitHub runner gives an action. Uses a stand-in for the action.
 */
import path from 'node:path'
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { GetRoleCommand } from '@aws-sdk/client-iam'
import {
  FAKE_GITHUB_TOKEN,
  REPO_ROOT,
  parseActionInputs,
  parseOutputFile,
  runAction
} from '../../scripts/lib/run-action.mjs'
import {
  ACCOUNT_ID,
  ROLE_ARN,
  ROLE_NAME,
  TEST_CREDENTIALS,
  TEST_TIMEOUT_MS,
  createRole,
  useMoto
} from './support/aws.js'

const FAKE_ACTION = path.join(REPO_ROOT, '__tests__', 'integration', 'support', 'fake-action.mjs')
const ACTION_YML = path.join(REPO_ROOT, 'action.yml')

const moto = useMoto({ reset: false })

describe('moto harness', () => {
  it(
    'answers STS and IAM calls, and reset clears its state',
    async () => {
      const sts = new STSClient({
        endpoint: moto.endpoint,
        region: 'us-east-1',
        credentials: TEST_CREDENTIALS
      })
      const identity = await sts.send(new GetCallerIdentityCommand({}))
      sts.destroy()
      expect(identity.Account).toBe(ACCOUNT_ID)

      await expect(createRole(moto.iam)).resolves.toBe(ROLE_ARN)
      await moto.server.reset()
      await expect(moto.iam.send(new GetRoleCommand({ RoleName: ROLE_NAME }))).rejects.toThrow(
        expect.objectContaining({ name: 'NoSuchEntityException' }) as Error
      )
    },
    TEST_TIMEOUT_MS
  )
})

describe('runAction', () => {
  const leaked = ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'GITHUB_TOKEN', 'INPUT_MODE', 'HARNESS_LEAK']
  beforeAll(() => {
    for (const name of leaked) process.env[name] = 'from-the-parent'
  })
  afterAll(() => {
    for (const name of leaked) delete process.env[name]
  })

  it(
    'passes inputs, defaults and runner variables, and nothing of the parent environment',
    async () => {
      const result = await runAction({
        entry: FAKE_ACTION,
        actionDefaults: ACTION_YML,
        endpoint: moto.endpoint,
        inputs: { 'role-name': 'custom Role', 'fail-on': 'warning', 'exit-code': 0 },
        eventName: 'pull_request',
        event: { pull_request: { number: 7 } }
      })
      expect(result.code).toBe(0)
      const env = JSON.parse(result.outputs.env ?? '{}') as Record<string, string>
      expect(env).toMatchObject({
        'INPUT_ROLE-NAME': 'custom Role',
        'INPUT_FAIL-ON': 'warning',
        INPUT_MODE: 'enforce',
        'INPUT_GITHUB-TOKEN': FAKE_GITHUB_TOKEN,
        'INPUT_TRUST-POLICY': '',
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL: moto.endpoint,
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_REPOSITORY: 'octo-org/octo-repo',
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REF: 'refs/pull/7/merge'
      })
      expect(env.GITHUB_RUN_ID).toMatch(/^\d+$/)
      expect(env.RUNNER_TEMP).toBeTruthy()
      expect(env.GITHUB_WORKSPACE).toBe(result.workspace)
      expect(result.outputs.cwd).toBe(result.workspace)
      for (const name of [...leaked.filter(n => n !== 'INPUT_MODE'), 'NODE_OPTIONS']) {
        expect(env).not.toHaveProperty(name)
      }
      expect(JSON.parse(result.outputs.event ?? '')).toEqual({ pull_request: { number: 7 } })
    },
    TEST_TIMEOUT_MS
  )

  it(
    'parses outputs, the summary, annotations and the exit code',
    async () => {
      const result = await runAction({
        entry: FAKE_ACTION,
        actionDefaults: false,
        inputs: { 'exit-code': 1 }
      })
      expect(result.code).toBe(1)
      expect(result.outputs['multi-line']).toBe('first\nsecond')
      expect(result.outputs.simple).toBe('a=b')
      expect(result.summary).toBe('## Fake summary\n')
      expect(result.stderr).toContain('to stderr')
      expect(result.annotations).toEqual([
        {
          level: 'error',
          title: 'Role: ecsServiceRole, drifted',
          message: 'line one\nline two 100%',
          properties: { title: 'Role: ecsServiceRole, drifted' }
        },
        { level: 'warning', message: 'just a warning', properties: {} },
        { level: 'notice', title: 'Note', message: 'a notice', properties: { title: 'Note' } }
      ])
    },
    TEST_TIMEOUT_MS
  )

  it(
    'kills an action that outlives the timeout and rejects with its output',
    async () => {
      await expect(
        runAction({
          entry: FAKE_ACTION,
          actionDefaults: false,
          inputs: { 'sleep-ms': 10_000 },
          timeoutMs: 500
        })
      ).rejects.toThrow(/did not finish within 500 ms/)
    },
    TEST_TIMEOUT_MS
  )
})

describe('harness parsers', () => {
  it('reads GITHUB_OUTPUT in both forms', () => {
    expect(
      parseOutputFile('a<<ghadelimiter_1\nx\ny=z\nghadelimiter_1\nb=1\nc<<EOF\n\nEOF\n')
    ).toEqual({ a: 'x\ny=z', b: '1', c: '' })
  })

  it('reads input defaults from action metadata', () => {
    const yaml = [
      'name: x',
      'inputs:',
      '  mode:',
      '    description: |',
      '      default: not this',
      '    default: enforce',
      '  quoted:',
      "    default: 'it''s'",
      '  block:',
      '    default: |-',
      '      a',
      '      b',
      '  none:',
      '    required: false',
      'runs:',
      '  using: node24'
    ].join('\n')
    expect(parseActionInputs(yaml)).toEqual({
      mode: 'enforce',
      quoted: "it's",
      block: 'a\nb',
      none: ''
    })
  })
})
